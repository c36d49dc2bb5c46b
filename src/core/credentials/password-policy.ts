import { DomainError } from '../errors.ts';

export interface PasswordPolicy {
  minLength: number;
  maxLength: number;
}

/** Entra External ID's bounds (8–256). Blocklist and tenant settings arrive with the policy issue. */
export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = { minLength: 8, maxLength: 256 };

/**
 * NFKC-normalises a password (NIST 800-63B §3.1.1.2) so the same characters typed on another
 * keyboard still match, and checks its length in code points, not UTF-16 units or bytes.
 */
export function normalizePassword(password: string, policy: PasswordPolicy = DEFAULT_PASSWORD_POLICY): string {
  const normalized = password.normalize('NFKC');
  const length = [...normalized].length;
  if (length < policy.minLength) throw new DomainError('password_too_short', `Use at least ${policy.minLength} characters.`);
  if (length > policy.maxLength) throw new DomainError('password_too_long', `Use at most ${policy.maxLength} characters.`);
  return normalized;
}
