import type { Kysely } from 'kysely';
import type { TenantId } from '../../core/ids.ts';
import type { SigningKeyStore } from '../../core/ports.ts';
import type { SigningKey } from '../../core/tenants/signing-key.ts';
import type { Database, SigningKeysTable } from '../schema.ts';

const toKey = (r: SigningKeysTable): SigningKey => ({
  kid: r.kid,
  tenantId: r.tenant_id as TenantId,
  alg: 'RS256',
  encryptedPrivateJwk: r.encrypted_private_jwk,
  publicJwk: JSON.parse(r.public_jwk) as Record<string, unknown>,
  status: r.status === 'active' ? 'active' : 'retired',
  createdAt: Number(r.created_at),
  expiresAt: r.expires_at === null ? null : Number(r.expires_at),
});

export function createSigningKeyRepository(db: Kysely<Database>): SigningKeyStore {
  return {
    async insert(k) {
      await db
        .insertInto('signing_keys')
        .values({
          kid: k.kid,
          tenant_id: k.tenantId,
          alg: k.alg,
          encrypted_private_jwk: k.encryptedPrivateJwk,
          public_jwk: JSON.stringify(k.publicJwk),
          status: k.status,
          created_at: k.createdAt,
          expires_at: k.expiresAt,
        })
        .execute();
    },
    async listLive(tenantId, now) {
      const rows = await db
        .selectFrom('signing_keys')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where((eb) => eb.or([eb('status', '=', 'active'), eb('expires_at', '>', now)]))
        .orderBy('created_at', 'desc')
        .execute();
      return rows.map(toKey);
    },
    async retireActive(tenantId, expiresAt) {
      await db
        .updateTable('signing_keys')
        .set({ status: 'retired', expires_at: expiresAt })
        .where('tenant_id', '=', tenantId)
        .where('status', '=', 'active')
        .execute();
    },
  };
}
