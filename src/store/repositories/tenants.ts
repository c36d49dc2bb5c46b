import { type Kysely, sql } from 'kysely';
import type { TenantId } from '../../core/ids.ts';
import type { PolicyOverrides } from '../../core/policies/tenant-policies.ts';
import type { TenantStore } from '../../core/ports.ts';
import type { Tenant } from '../../core/tenants/tenant.ts';
import type { Database, TenantsTable } from '../schema.ts';
import { isUniqueViolation } from './unique-violation.ts';
import { DomainError } from '../../core/errors.ts';

const toTenant = (r: TenantsTable): Tenant => ({
  id: r.id as TenantId,
  name: r.name,
  displayName: r.display_name,
  configVersion: Number(r.config_version),
  createdAt: Number(r.created_at),
  policies: JSON.parse(r.policies) as PolicyOverrides,
});

export function createTenantRepository(db: Kysely<Database>): TenantStore {
  return {
    async insert(t) {
      try {
        await db
          .insertInto('tenants')
          .values({ id: t.id, name: t.name, display_name: t.displayName, config_version: t.configVersion, created_at: t.createdAt, policies: JSON.stringify(t.policies) })
          .execute();
      } catch (error) {
        if (isUniqueViolation(error)) throw new DomainError('tenant_exists');
        throw error;
      }
    },
    async findById(id) {
      const row = await db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toTenant(row);
    },
    async findByName(name) {
      const row = await db.selectFrom('tenants').selectAll().where('name', '=', name).executeTakeFirst();
      return row && toTenant(row);
    },
    async list() {
      return (await db.selectFrom('tenants').selectAll().orderBy('name').execute()).map(toTenant);
    },
    async setPolicies(id, policies) {
      await db.updateTable('tenants').set({ policies: JSON.stringify(policies) }).where('id', '=', id).execute();
    },
    async bumpConfigVersion(id) {
      await db.updateTable('tenants').set({ config_version: sql`config_version + 1` }).where('id', '=', id).execute();
    },
    async setDisplayName(id, displayName) {
      await db.updateTable('tenants').set({ display_name: displayName }).where('id', '=', id).execute();
    },
    async delete(id) {
      // The tables without a foreign key to tenants first; the rest goes by ON DELETE CASCADE.
      await db.deleteFrom('oidc_artifacts').where('tenant_id', '=', id).execute();
      await db.deleteFrom('outbox').where('tenant_id', '=', id).execute();
      await db.deleteFrom('passcodes').where('tenant_id', '=', id).execute();
      await db.deleteFrom('audit_log').where('tenant_id', '=', id).execute();
      await db.deleteFrom('admin_grants').where('tenant_scope', '=', id).execute();
      await db.deleteFrom('tenants').where('id', '=', id).execute();
    },
    async lock(id) {
      // Why an UPDATE that changes nothing: it takes the row lock on PostgreSQL and the write lock
      // on SQLite alike, where SELECT … FOR UPDATE does not exist. Both count the row it matched.
      const result = await db.updateTable('tenants').set({ config_version: sql`config_version` }).where('id', '=', id).executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}
