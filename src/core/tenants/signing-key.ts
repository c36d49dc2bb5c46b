import type { TenantId } from '../ids.ts';

/** A tenant's token-signing key; the private JWK is stored only encrypted under the master key. */
export interface SigningKey {
  kid: string;
  tenantId: TenantId;
  alg: 'RS256';
  encryptedPrivateJwk: string;
  publicJwk: Record<string, unknown>;
  /** `active` signs; `retired` is still published for verification until `expiresAt`. */
  status: 'active' | 'retired';
  createdAt: number;
  expiresAt: number | null;
}
