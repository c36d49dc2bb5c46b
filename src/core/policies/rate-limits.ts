import { DomainError } from '../errors.ts';
import type { TenantId } from '../ids.ts';
import type { Counters, SecurityLog } from '../ports.ts';

/** Who a counted request is about, for the security log when it is refused. */
export interface RateLimitSubject {
  tenantId?: TenantId | null;
  account?: string | null;
  ip?: string | null;
}

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
  /**
   * Wrong client secrets for one app, from anywhere (guessing a confidential app's secret from
   * many addresses). Counts failures only, so the app's own traffic is never refused for volume;
   * an attacker can block the app's token requests for a window, as smart lockout can a user.
   */
  client_secret_failures: { max: 50, windowMs: 10 * 60 * 1000 },
} as const;

export type RateLimitName = keyof typeof RATE_LIMITS;

export function createRateLimiter(counters: Counters, securityLog?: SecurityLog) {
  /** Logs the refusal with its subject and throws rate_limited, with when the budget refills. */
  function refuse(name: RateLimitName, subject: RateLimitSubject, resetInMs: number): never {
    securityLog?.record({ event: 'rate_limited', tenantId: subject.tenantId ?? null, account: subject.account ?? null, ip: subject.ip ?? null, reason: name, forMs: resetInMs });
    throw new DomainError('rate_limited', undefined, { retryAfterMs: resetInMs });
  }

  /**
   * Counts one request against `name` for `key`; throws rate_limited (with retryAfterMs) when over
   * budget, and records the refusal with `subject` (the key itself is not logged: it may be an address).
   */
  async function enforce(name: RateLimitName, key: string, subject: RateLimitSubject = {}): Promise<void> {
    const { max, windowMs } = RATE_LIMITS[name];
    const { count, resetInMs } = await counters.hit(`rate:${name}:${key}`, windowMs);
    if (count > max) refuse(name, subject, resetInMs);
  }

  /**
   * For a budget of failures (counted with `countFailure`): throws rate_limited while `key` has
   * used it up, without counting this request.
   */
  async function ensureUnderFailureBudget(name: RateLimitName, key: string, subject: RateLimitSubject = {}): Promise<void> {
    const { count, resetInMs } = await counters.peek(`rate:${name}:${key}`);
    if (count >= RATE_LIMITS[name].max) refuse(name, subject, resetInMs);
  }

  /** Counts one failure against a failure budget (see ensureUnderFailureBudget). */
  async function countFailure(name: RateLimitName, key: string): Promise<void> {
    await counters.hit(`rate:${name}:${key}`, RATE_LIMITS[name].windowMs);
  }

  /** Enforces several budgets; all are counted, so a refused request still uses up each of them. */
  async function enforceAll(checks: ReadonlyArray<readonly [RateLimitName, string | null]>, subject: RateLimitSubject = {}): Promise<void> {
    const results = await Promise.allSettled(checks.filter(([, key]) => key !== null).map(([name, key]) => enforce(name, key as string, subject)));
    const refused = results.find((r) => r.status === 'rejected');
    if (refused) throw (refused as PromiseRejectedResult).reason;
  }

  return { enforce, enforceAll, ensureUnderFailureBudget, countFailure };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
