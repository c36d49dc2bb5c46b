import type { Kysely } from 'kysely';
import type { App, AppType } from '../../core/apps/app.ts';
import type { AppId, TenantId, UserFlowId } from '../../core/ids.ts';
import type { AppStore } from '../../core/ports.ts';
import type { AppsTable, Database } from '../schema.ts';

const toApp = (r: AppsTable): App => ({
  id: r.id as AppId,
  tenantId: r.tenant_id as TenantId,
  name: r.name,
  type: r.type as AppType,
  secretHash: r.secret_hash,
  redirectUris: JSON.parse(r.redirect_uris) as string[],
  postLogoutRedirectUris: JSON.parse(r.post_logout_redirect_uris) as string[],
  userFlowId: r.user_flow_id as UserFlowId | null,
  createdAt: Number(r.created_at),
});

export function createAppRepository(db: Kysely<Database>): AppStore {
  return {
    async insert(a) {
      await db
        .insertInto('apps')
        .values({
          id: a.id,
          tenant_id: a.tenantId,
          name: a.name,
          type: a.type,
          secret_hash: a.secretHash,
          redirect_uris: JSON.stringify(a.redirectUris),
          post_logout_redirect_uris: JSON.stringify(a.postLogoutRedirectUris),
          user_flow_id: a.userFlowId,
          created_at: a.createdAt,
        })
        .execute();
    },
    async findById(tenantId, id) {
      const row = await db.selectFrom('apps').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
      return row && toApp(row);
    },
    async list(tenantId) {
      return (await db.selectFrom('apps').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at').execute()).map(toApp);
    },
  };
}
