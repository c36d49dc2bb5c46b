import type { Kysely } from 'kysely';
import type { BrandingStore } from '../../core/ports.ts';
import type { Branding } from '../../core/tenants/branding.ts';
import type { Database } from '../schema.ts';

export function createBrandingRepository(db: Kysely<Database>): BrandingStore {
  return {
    async find(tenantId, locale) {
      const row = await db.selectFrom('branding').select('data').where('tenant_id', '=', tenantId).where('locale', '=', locale).executeTakeFirst();
      return row && (JSON.parse(row.data) as Branding);
    },
    async list(tenantId) {
      const rows = await db.selectFrom('branding').select(['locale', 'updated_at']).where('tenant_id', '=', tenantId).orderBy('locale').execute();
      return rows.map((r) => ({ locale: r.locale, updatedAt: Number(r.updated_at) }));
    },
    async put(tenantId, locale, branding, at) {
      const data = JSON.stringify(branding);
      await db
        .insertInto('branding')
        .values({ tenant_id: tenantId, locale, data, updated_at: at })
        .onConflict((oc) => oc.columns(['tenant_id', 'locale']).doUpdateSet({ data, updated_at: at }))
        .execute();
    },
    async delete(tenantId, locale) {
      await db.deleteFrom('branding').where('tenant_id', '=', tenantId).where('locale', '=', locale).execute();
    },
  };
}
