import type { Kysely } from 'kysely';
import type { ApiKey } from '../../core/admin/api-key.ts';
import type { StoredGrant } from '../../core/admin/roles.ts';
import type { ApiKeyStore } from '../../core/ports.ts';
import type { ApiKeysTable, Database } from '../schema.ts';

const toKey = (r: ApiKeysTable): ApiKey => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  secretHash: r.secret_hash,
  grants: JSON.parse(r.grants) as StoredGrant[],
  createdAt: Number(r.created_at),
  lastUsedAt: r.last_used_at === null ? null : Number(r.last_used_at),
  revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
});

export function createApiKeyRepository(db: Kysely<Database>): ApiKeyStore {
  return {
    async insert(k) {
      await db
        .insertInto('api_keys')
        .values({
          id: k.id,
          name: k.name,
          prefix: k.prefix,
          secret_hash: k.secretHash,
          grants: JSON.stringify(k.grants),
          created_at: k.createdAt,
          last_used_at: k.lastUsedAt,
          revoked_at: k.revokedAt,
        })
        .execute();
    },
    async findById(id) {
      const row = await db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toKey(row);
    },
    async list() {
      return (await db.selectFrom('api_keys').selectAll().orderBy('created_at', 'desc').orderBy('id').execute()).map(toKey);
    },
    async revoke(id, at) {
      const result = await db.updateTable('api_keys').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async touch(id, at) {
      await db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute();
    },
  };
}
