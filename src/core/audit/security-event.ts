import type { TenantId, UserId } from '../ids.ts';

/**
 * A moment an operator should see in the log (checklist D12): an account locking, a request
 * refused with 429. It names who and where, never what was typed (no password, no code, no
 * address in the clear).
 */
export interface SecurityEvent {
  event: 'account_locked' | 'rate_limited';
  tenantId: TenantId | null;
  /** A user id, or `email:` and the keyed hash of the normalised address (unknown addresses lock too). */
  account: string | null;
  ip: string | null;
  /** The budget that refused (`password_per_ip`…), or why the account locked. */
  reason: string;
  /** How long the lock or the refusal lasts, in ms; null: until a reset clears it. */
  forMs: number | null;
}

/**
 * How an account is named in security events: its user id when there is one, else the keyed hash
 * of its normalised address (the same for every event of that address, useless without the key).
 */
export const accountRef = (mac: (data: string) => string, tenantId: TenantId, normalizedEmail: string, userId?: UserId | null): string =>
  userId ?? `email:${mac(`security-log:${tenantId}:${normalizedEmail}`).slice(0, 22)}`;
