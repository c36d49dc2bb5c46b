import type { AppId, TenantId, UserId } from '../ids.ts';

export type SignInOutcome = 'success' | 'failure';
/** Reason codes of the sign-in log; stable, documented in docs/errors.md. */
export type SignInReason = 'ok' | 'invalid_password' | 'unknown_user' | 'user_disabled' | 'no_password' | 'invalid_passcode' | 'locked';

export interface SignInEvent {
  tenantId: TenantId;
  at: number;
  userId: UserId | null;
  email: string;
  appId: AppId | null;
  method: 'password' | 'email_otp';
  outcome: SignInOutcome;
  reason: SignInReason;
  ip: string | null;
  userAgent: string | null;
}
