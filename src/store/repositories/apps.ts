import type { Kysely } from 'kysely';
import type { App, AppSecret, AppType } from '../../core/apps/app.ts';
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
    async setUserFlow(tenantId, id, userFlowId) {
      await db.updateTable('apps').set({ user_flow_id: userFlowId }).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
    },
    async update(a) {
      await db
        .updateTable('apps')
        .set({ name: a.name, redirect_uris: JSON.stringify(a.redirectUris), post_logout_redirect_uris: JSON.stringify(a.postLogoutRedirectUris), secret_hash: a.secretHash })
        .where('tenant_id', '=', a.tenantId)
        .where('id', '=', a.id)
        .execute();
    },
    async delete(tenantId, id) {
      // Its secrets go with it (ON DELETE CASCADE).
      await db.deleteFrom('apps').where('tenant_id', '=', tenantId).where('id', '=', id).execute();
    },
    async insertSecret(s) {
      await db
        .insertInto('app_secrets')
        .values({ id: s.id, tenant_id: s.tenantId, app_id: s.appId, hash: s.hash, hint: s.hint, description: s.description, created_at: s.createdAt, revoked_at: s.revokedAt })
        .execute();
    },
    async listSecrets(tenantId, appId) {
      const rows = await db.selectFrom('app_secrets').selectAll().where('tenant_id', '=', tenantId).where('app_id', '=', appId).orderBy('created_at').orderBy('id').execute();
      return rows.map(
        (r): AppSecret => ({
          id: r.id,
          tenantId: r.tenant_id as TenantId,
          appId: r.app_id as AppId,
          hash: r.hash,
          hint: r.hint,
          description: r.description,
          createdAt: Number(r.created_at),
          revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
        }),
      );
    },
    async revokeSecret(tenantId, appId, id, at) {
      const result = await db
        .updateTable('app_secrets')
        .set({ revoked_at: at })
        .where('tenant_id', '=', tenantId)
        .where('app_id', '=', appId)
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async list(tenantId) {
      return (await db.selectFrom('apps').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at').execute()).map(toApp);
    },
  };
}
