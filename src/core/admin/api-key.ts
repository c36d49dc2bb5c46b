import { createHash, timingSafeEqual } from 'node:crypto';
import type { Random } from '../ports.ts';
import type { ApiKey } from './api-key-record.ts';

export type { ApiKey };

const KEY_FORMAT = /^lk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export const hashApiKey = (secret: string): string => createHash('sha256').update(secret, 'utf8').digest('base64url');

/** A new key's id and its whole secret (shown once). */
export function mintApiKey(random: Random): { id: string; secret: string } {
  const id = Buffer.from(random.token(8), 'base64url').toString('hex').slice(0, 16).padEnd(16, '0');
  return { id, secret: `lk_${id}_${random.token(32)}` };
}

/** The id a presented key claims, or undefined when it is not shaped like one of our keys. */
export function apiKeyIdOf(presented: string): string | undefined {
  return KEY_FORMAT.exec(presented)?.[1];
}

/** Whether `presented` is the key whose hash is stored, compared in constant time. */
export function apiKeyMatches(key: Pick<ApiKey, 'secretHash'>, presented: string): boolean {
  const expected = Buffer.from(key.secretHash);
  const given = Buffer.from(hashApiKey(presented));
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** True for what looks like an API key (as opposed to an access token). */
export const looksLikeApiKey = (token: string): boolean => token.startsWith('lk_');
