import type { TenantId } from '../ids.ts';
import { type LockoutPolicy, MAX_CONSECUTIVE_FAILURES } from '../policies/lockout-policy.ts';
import type { Counters, SecurityLog } from '../ports.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const MONTH_MS = 30 * DAY_MS;

/**
 * Smart lockout on top of the shared counters, keyed by tenant and normalised email, so case and
 * whitespace variants are one account and every node sees the same state. Unknown addresses are
 * counted exactly like real ones: the lock reveals nothing.
 */
export function createLockout(counters: Counters, securityLog?: SecurityLog) {
  const keys = (tenantId: TenantId, email: string) => ({
    failures: `lockout:failures:${tenantId}:${email}`,
    lock: `lockout:lock:${tenantId}:${email}`,
    level: `lockout:level:${tenantId}:${email}`,
    total: `lockout:total:${tenantId}:${email}`,
  });

  /** Milliseconds the account stays locked (0 = not locked; Infinity = until cleared). */
  async function lockedFor(tenantId: TenantId, email: string): Promise<number> {
    const k = keys(tenantId, email);
    const [lock, total] = await Promise.all([counters.peek(k.lock), counters.peek(k.total)]);
    if (total.count >= MAX_CONSECUTIVE_FAILURES) return Number.POSITIVE_INFINITY;
    return lock.count > 0 ? lock.resetInMs : 0;
  }

  /**
   * Counts a failure; locks the account when the threshold is reached. Returns the lock length
   * (0 = none). Callers count only while unlocked, so a non-zero answer is the moment of locking:
   * that moment goes to the security log, naming `who` (never the address in the clear).
   */
  async function recordFailure(tenantId: TenantId, email: string, policy: LockoutPolicy, who: { account: string; ip: string | null } | null = null): Promise<number> {
    const duration = await countFailure(tenantId, email, policy);
    if (duration > 0) {
      const forever = !Number.isFinite(duration);
      securityLog?.record({ event: 'account_locked', tenantId, account: who?.account ?? null, ip: who?.ip ?? null, reason: forever ? 'too_many_consecutive_failures' : 'too_many_failures', forMs: forever ? null : duration });
    }
    return duration;
  }

  async function countFailure(tenantId: TenantId, email: string, policy: LockoutPolicy): Promise<number> {
    const k = keys(tenantId, email);
    const [failures, total] = await Promise.all([counters.hit(k.failures, DAY_MS), counters.hit(k.total, MONTH_MS)]);
    if (total.count >= MAX_CONSECUTIVE_FAILURES) return Number.POSITIVE_INFINITY;
    if (failures.count < policy.threshold) return 0;
    const level = await counters.hit(k.level, DAY_MS);
    const duration = Math.min(policy.durationMs * policy.growthFactor ** (level.count - 1), policy.maxDurationMs);
    await counters.reset(k.failures);
    await counters.hit(k.lock, duration);
    return duration;
  }

  /** A successful sign-in ends the run of consecutive failures. */
  async function recordSuccess(tenantId: TenantId, email: string): Promise<void> {
    const k = keys(tenantId, email);
    await Promise.all([counters.reset(k.failures), counters.reset(k.total)]);
  }

  /** A completed self-service reset (or an admin) unlocks the account entirely. */
  async function clear(tenantId: TenantId, email: string): Promise<void> {
    const k = keys(tenantId, email);
    await Promise.all(Object.values(k).map((key) => counters.reset(key)));
  }

  return { lockedFor, recordFailure, recordSuccess, clear };
}

export type Lockout = ReturnType<typeof createLockout>;
