/** Smart lockout per account (Entra's defaults: 10 failures, 60 s, growing on repeats). */
export interface LockoutPolicy {
  /** Consecutive failed sign-ins that lock the account. */
  threshold: number;
  /** The first lock's length. */
  durationMs: number;
  /** Each further lock within a day lasts this many times longer… */
  growthFactor: number;
  /** …up to this cap. */
  maxDurationMs: number;
}

export const DEFAULT_LOCKOUT_POLICY: LockoutPolicy = {
  threshold: 10,
  durationMs: 60 * 1000,
  growthFactor: 2,
  maxDurationMs: 15 * 60 * 1000,
};

/**
 * NIST 800-63B §3.2.2: no more than 100 consecutive failures per account. After that many
 * (over any number of lock periods) the account stays locked until a self-service reset or an
 * admin clears it.
 */
export const MAX_CONSECUTIVE_FAILURES = 100;
