import { DomainError } from '../errors.ts';
import type { Counters } from '../ports.ts';

/**
 * Request budgets per source and per target. A request over budget is refused before any work,
 * the same way for existing and unknown accounts. Entra allows 20 requests/s per IP per tenant;
 * ours are per action, tighter where a request costs a mail or a password hash.
 */
export const RATE_LIMITS = {
  /** Password attempts from one IP (each costs an Argon2 verification). */
  password_per_ip: { max: 60, windowMs: 60 * 1000 },
  /** Passcode mails to one address (mail bombing). */
  passcode_send_per_address: { max: 5, windowMs: 60 * 60 * 1000 },
  /** Passcode mails requested from one IP, to any addresses. */
  passcode_send_per_ip: { max: 30, windowMs: 60 * 60 * 1000 },
  /** Passcode mails of one tenant. */
  passcode_send_per_tenant: { max: 300, windowMs: 60 * 1000 },
  /** Passcode checks from one IP, across flows. */
  passcode_check_per_ip: { max: 60, windowMs: 60 * 1000 },
  /** Token endpoint requests from one IP. */
  token_per_ip: { max: 1200, windowMs: 60 * 1000 },
} as const;

export type RateLimitName = keyof typeof RATE_LIMITS;

export function createRateLimiter(counters: Counters) {
  /** Counts one request against `name` for `key`; throws rate_limited (with retryAfterMs) when over budget. */
  async function enforce(name: RateLimitName, key: string): Promise<void> {
    const { max, windowMs } = RATE_LIMITS[name];
    const { count, resetInMs } = await counters.hit(`rate:${name}:${key}`, windowMs);
    if (count > max) throw new DomainError('rate_limited', undefined, { retryAfterMs: resetInMs });
  }

  /** Enforces several budgets; all are counted, so a refused request still uses up each of them. */
  async function enforceAll(checks: ReadonlyArray<readonly [RateLimitName, string | null]>): Promise<void> {
    const results = await Promise.allSettled(checks.filter(([, key]) => key !== null).map(([name, key]) => enforce(name, key as string)));
    const refused = results.find((r) => r.status === 'rejected');
    if (refused) throw (refused as PromiseRejectedResult).reason;
  }

  return { enforce, enforceAll };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
