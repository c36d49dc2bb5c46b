import type { Kysely } from 'kysely';
import type { OidcArtifact, OidcArtifactStore } from '../../core/ports.ts';
import type { Database, OidcArtifactsTable } from '../schema.ts';

const toArtifact = (r: Pick<OidcArtifactsTable, 'payload' | 'expires_at' | 'consumed_at'>): OidcArtifact => ({
  payload: JSON.parse(r.payload) as Record<string, unknown>,
  expiresAt: r.expires_at === null ? null : Number(r.expires_at),
  consumed: r.consumed_at !== null,
});

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export function createOidcArtifactRepository(db: Kysely<Database>): OidcArtifactStore {
  const row = (tenantId: string, model: string, id: string) =>
    db.selectFrom('oidc_artifacts').where('tenant_id', '=', tenantId).where('model', '=', model).where('id', '=', id);

  return {
    async upsert(tenantId, model, id, payload, expiresAt) {
      const values = {
        payload: JSON.stringify(payload),
        grant_id: str(payload.grantId),
        uid: str(payload.uid),
        user_code: str(payload.userCode),
        account_id: str(payload.accountId),
        expires_at: expiresAt,
      };
      await db
        .insertInto('oidc_artifacts')
        .values({ tenant_id: tenantId, model, id, consumed_at: null, ...values })
        .onConflict((oc) => oc.columns(['tenant_id', 'model', 'id']).doUpdateSet(values))
        .execute();
    },
    async find(tenantId, model, id) {
      const r = await row(tenantId, model, id).select(['payload', 'expires_at', 'consumed_at']).executeTakeFirst();
      return r && toArtifact(r);
    },
    async findBy(tenantId, model, field, value) {
      const column = field === 'uid' ? 'uid' : 'user_code';
      const r = await db
        .selectFrom('oidc_artifacts')
        .select(['payload', 'expires_at', 'consumed_at'])
        .where('tenant_id', '=', tenantId)
        .where('model', '=', model)
        .where(column, '=', value)
        .executeTakeFirst();
      return r && toArtifact(r);
    },
    async consume(tenantId, model, id, at) {
      const result = await db
        .updateTable('oidc_artifacts')
        .set({ consumed_at: at })
        .where('tenant_id', '=', tenantId)
        .where('model', '=', model)
        .where('id', '=', id)
        .where('consumed_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async destroy(tenantId, model, id) {
      await db.deleteFrom('oidc_artifacts').where('tenant_id', '=', tenantId).where('model', '=', model).where('id', '=', id).execute();
    },
    async revokeByGrantId(tenantId, grantId) {
      await db.deleteFrom('oidc_artifacts').where('tenant_id', '=', tenantId).where('grant_id', '=', grantId).execute();
    },
    async revokeByAccount(tenantId, accountId) {
      await db.deleteFrom('oidc_artifacts').where('tenant_id', '=', tenantId).where('account_id', '=', accountId).execute();
    },
    async deleteExpired(now) {
      const result = await db.deleteFrom('oidc_artifacts').where('expires_at', '<=', now).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
