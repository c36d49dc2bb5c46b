import type { Kysely } from 'kysely';
import type { AdminRole, StoredGrant } from '../../core/admin/roles.ts';
import type { TenantId, UserId } from '../../core/ids.ts';
import type { AdminGrantRecord, AdminGrantStore } from '../../core/ports.ts';
import type { AdminGrantsTable, Database } from '../schema.ts';

const EVERY_TENANT = '*';
const scopeOf = (grant: StoredGrant) => grant.tenantId ?? EVERY_TENANT;

const toGrant = (r: AdminGrantsTable): AdminGrantRecord => ({
  adminId: r.admin_id as UserId,
  role: r.role as AdminRole,
  tenantId: r.tenant_scope === EVERY_TENANT ? null : (r.tenant_scope as TenantId),
  createdAt: Number(r.created_at),
});

export function createAdminGrantRepository(db: Kysely<Database>): AdminGrantStore {
  return {
    async add(g) {
      // Granting a role the admin holds already is a no-op, also when two grants race. Why ON
      // CONFLICT and not a caught unique violation: on PostgreSQL a failed statement aborts the
      // transaction it runs in, so a duplicate within one grant list failed the whole change.
      await db
        .insertInto('admin_grants')
        .values({ admin_id: g.adminId, role: g.role, tenant_scope: scopeOf(g), created_at: g.createdAt })
        .onConflict((oc) => oc.columns(['admin_id', 'role', 'tenant_scope']).doNothing())
        .execute();
    },
    async remove(adminId, g) {
      const result = await db
        .deleteFrom('admin_grants')
        .where('admin_id', '=', adminId)
        .where('role', '=', g.role)
        .where('tenant_scope', '=', scopeOf(g))
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async list(adminId) {
      return (await db.selectFrom('admin_grants').selectAll().where('admin_id', '=', adminId).orderBy('created_at').orderBy('role').orderBy('tenant_scope').execute()).map(toGrant);
    },
    async listAll() {
      return (await db.selectFrom('admin_grants').selectAll().orderBy('admin_id').orderBy('created_at').orderBy('role').orderBy('tenant_scope').execute()).map(toGrant);
    },
  };
}
