import type { StoredGrant } from './roles.ts';

/**
 * An API key for automation. Only the SHA-256 of its secret is stored: the secret is 256 random
 * bits, so a fast hash leaves nothing to brute-force (as for client secrets).
 */
export interface ApiKey {
  /** 16 hex digits, also the middle part of the secret (`lk_<id>_<random>`), so a lookup is by id. */
  id: string;
  name: string;
  /** `lk_<id>`: what lists show, enough to recognise a key without revealing it. */
  prefix: string;
  secretHash: string;
  grants: StoredGrant[];
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}
