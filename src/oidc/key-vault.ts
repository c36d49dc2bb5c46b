import { hkdfSync } from 'node:crypto';
import { CompactEncrypt, type JWK, calculateJwkThumbprint, compactDecrypt, exportJWK, generateKeyPair } from 'jose';
import type { TenantId } from '../core/ids.ts';
import type { SigningKeyFactory } from '../core/ports.ts';
import type { SigningKey } from '../core/tenants/signing-key.ts';

/**
 * Makes RS256 signing keys and keeps their private halves encrypted (JWE, dir + A256GCM) under a
 * key derived from the master secret, so a copy of the database alone cannot sign tokens.
 */
export function createKeyVault(masterSecret: Buffer) {
  const kek = new Uint8Array(hkdfSync('sha256', masterSecret, 'latchkey', 'signing-key-encryption', 32));

  const factory: SigningKeyFactory = {
    async create(tenantId: TenantId, now: number): Promise<SigningKey> {
      const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
      const publicJwk = await exportJWK(publicKey);
      const kid = await calculateJwkThumbprint(publicJwk);
      const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'RS256' };
      const encrypted = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify(privateJwk)))
        .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', cty: 'jwk+json' })
        .encrypt(kek);
      return {
        kid,
        tenantId,
        alg: 'RS256',
        encryptedPrivateJwk: encrypted,
        publicJwk: { ...publicJwk, kid, alg: 'RS256', use: 'sig' },
        status: 'active',
        createdAt: now,
        expiresAt: null,
      };
    },
  };

  /** The private JWK of a stored key; fails if the master secret is not the one it was made with. */
  async function decrypt(key: SigningKey): Promise<JWK> {
    try {
      const { plaintext } = await compactDecrypt(key.encryptedPrivateJwk, kek);
      return JSON.parse(new TextDecoder().decode(plaintext)) as JWK;
    } catch (cause) {
      throw new Error(`Cannot decrypt signing key ${key.kid}: was LATCHKEY_SECRET (or data/secret.key) changed?`, { cause });
    }
  }

  return { factory, decrypt };
}

export type KeyVault = ReturnType<typeof createKeyVault>;
