import type { Kysely } from 'kysely';
import type { TenantId, UserFlowId } from '../../core/ids.ts';
import type { UserFlowStore } from '../../core/ports.ts';
import type { CustomAttribute, SignInMethod, UserFlow } from '../../core/user-flows/user-flow.ts';
import type { Database, UserFlowsTable } from '../schema.ts';

const toUserFlow = (r: UserFlowsTable): UserFlow => ({
  id: r.id as UserFlowId,
  tenantId: r.tenant_id as TenantId,
  name: r.name,
  methods: JSON.parse(r.methods) as SignInMethod[],
  attributes: JSON.parse(r.attributes) as string[],
  customAttributes: JSON.parse(r.custom_attributes) as CustomAttribute[],
  ssprEnabled: Number(r.sspr_enabled) === 1,
  createdAt: Number(r.created_at),
});

export function createUserFlowRepository(db: Kysely<Database>): UserFlowStore {
  return {
    async insert(f) {
      await db
        .insertInto('user_flows')
        .values({
          id: f.id,
          tenant_id: f.tenantId,
          name: f.name,
          methods: JSON.stringify(f.methods),
          attributes: JSON.stringify(f.attributes),
          custom_attributes: JSON.stringify(f.customAttributes),
          sspr_enabled: f.ssprEnabled ? 1 : 0,
          created_at: f.createdAt,
        })
        .execute();
    },
    async findById(tenantId, id) {
      const row = await db.selectFrom('user_flows').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
      return row && toUserFlow(row);
    },
    async update(f) {
      await db
        .updateTable('user_flows')
        .set({
          name: f.name,
          methods: JSON.stringify(f.methods),
          attributes: JSON.stringify(f.attributes),
          custom_attributes: JSON.stringify(f.customAttributes),
          sspr_enabled: f.ssprEnabled ? 1 : 0,
        })
        .where('tenant_id', '=', f.tenantId)
        .where('id', '=', f.id)
        .execute();
    },
    async delete(tenantId, id) {
      // Apps that used it fall back to the default flow (ON DELETE SET NULL).
      await db.deleteFrom('user_flows').where('tenant_id', '=', tenantId).where('id', '=', id).execute();
    },
    async list(tenantId) {
      return (await db.selectFrom('user_flows').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at').execute()).map(toUserFlow);
    },
  };
}
