/** How emailed one-time passcodes behave; per tenant, with these defaults. */
export interface PasscodePolicy {
  /** Number of decimal digits. */
  length: number;
  lifetimeMs: number;
  /** Wrong codes per flow before the flow must restart. */
  maxAttempts: number;
  /** Codes sent per flow (first send included). */
  maxSends: number;
  /** Minimum time between two sends in one flow. */
  resendCooldownMs: number;
  /** Mail an "attempted reset" notice when a reset is requested for an address without an account. */
  notifyUnknownResetAttempts: boolean;
}

export const DEFAULT_PASSCODE_POLICY: PasscodePolicy = {
  length: 8,
  lifetimeMs: 10 * 60 * 1000,
  maxAttempts: 5,
  maxSends: 5,
  resendCooldownMs: 30 * 1000,
  notifyUnknownResetAttempts: false,
};
