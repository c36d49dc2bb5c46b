import type { Kysely } from 'kysely';
import type { Flow, FlowKind } from '../../core/flows/flow.ts';
import type { FlowId, TenantId } from '../../core/ids.ts';
import type { FlowStore } from '../../core/ports.ts';
import type { Database, FlowsTable } from '../schema.ts';

const toFlow = (r: FlowsTable): Flow => ({
  id: r.id as FlowId,
  tenantId: r.tenant_id as TenantId,
  kind: r.kind as FlowKind,
  state: r.state,
  data: JSON.parse(r.data) as Record<string, unknown>,
  version: Number(r.version),
  expiresAt: Number(r.expires_at),
  createdAt: Number(r.created_at),
});

export function createFlowRepository(db: Kysely<Database>): FlowStore {
  return {
    async insert(f) {
      await db
        .insertInto('flows')
        .values({
          id: f.id,
          tenant_id: f.tenantId,
          kind: f.kind,
          state: f.state,
          data: JSON.stringify(f.data),
          version: f.version,
          expires_at: f.expiresAt,
          created_at: f.createdAt,
        })
        .execute();
    },
    async find(id) {
      const row = await db.selectFrom('flows').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toFlow(row);
    },
    async update(next) {
      const result = await db
        .updateTable('flows')
        .set({ state: next.state, data: JSON.stringify(next.data), version: next.version, expires_at: next.expiresAt })
        .where('id', '=', next.id)
        .where('version', '=', next.version - 1)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async deleteExpired(now) {
      const result = await db.deleteFrom('flows').where('expires_at', '<=', now).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
