import { type Kysely, sql } from 'kysely';
import type { FlowId, TenantId } from '../../core/ids.ts';
import type { PasscodePurpose, PasscodeStore } from '../../core/ports.ts';
import type { Database } from '../schema.ts';

export function createPasscodeRepository(db: Kysely<Database>): PasscodeStore {
  return {
    async find(flowId) {
      const r = await db.selectFrom('passcodes').selectAll().where('flow_id', '=', flowId).executeTakeFirst();
      return (
        r && {
          flowId: r.flow_id as FlowId,
          tenantId: r.tenant_id as TenantId,
          purpose: r.purpose as PasscodePurpose,
          codeHash: r.code_hash,
          expiresAt: Number(r.expires_at),
          failedAttempts: Number(r.failed_attempts),
          sends: Number(r.sends),
          lastSentAt: Number(r.last_sent_at),
          consumedAt: r.consumed_at === null ? null : Number(r.consumed_at),
        }
      );
    },
    async insert(p) {
      const inserted = await db
        .insertInto('passcodes')
        .values({
          flow_id: p.flowId,
          tenant_id: p.tenantId,
          purpose: p.purpose,
          code_hash: p.codeHash,
          expires_at: p.expiresAt,
          failed_attempts: p.failedAttempts,
          sends: p.sends,
          last_sent_at: p.lastSentAt,
          consumed_at: p.consumedAt,
        })
        .onConflict((oc) => oc.column('flow_id').doNothing())
        .executeTakeFirst();
      return Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1;
    },
    async replaceCode(flowId, codeHash, expiresAt, sentAt) {
      await db
        .updateTable('passcodes')
        .set({ code_hash: codeHash, expires_at: expiresAt, last_sent_at: sentAt, sends: sql`sends + 1`, consumed_at: null })
        .where('flow_id', '=', flowId)
        .execute();
    },
    async consume(flowId, codeHash, now, maxAttempts) {
      // One conditional UPDATE is the whole check: the database serialises racing submissions,
      // so of two requests carrying the same code only one sees consumed_at still NULL.
      const result = await db
        .updateTable('passcodes')
        .set({ consumed_at: now })
        .where('flow_id', '=', flowId)
        .where('code_hash', '=', codeHash)
        .where('consumed_at', 'is', null)
        .where('expires_at', '>', now)
        .where('failed_attempts', '<', maxAttempts)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async recordFailure(flowId) {
      const row = await db
        .updateTable('passcodes')
        .set({ failed_attempts: sql`failed_attempts + 1` })
        .where('flow_id', '=', flowId)
        .returning('failed_attempts')
        .executeTakeFirst();
      return Number(row?.failed_attempts ?? Number.MAX_SAFE_INTEGER);
    },
  };
}
