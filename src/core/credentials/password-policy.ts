import { DomainError } from '../errors.ts';
import { isBlockedPassword } from './password-blocklist.ts';

export interface PasswordPolicy {
  /** Minimum length in characters (code points); a tenant may raise it up to 64. */
  minLength: number;
  maxLength: number;
  /** Refuse common and breached passwords, and ones built from the email or tenant name. */
  blocklist: boolean;
  /** Entra parity: at least 3 of lower case, upper case, digits, symbols. Off by default (NIST advises against composition rules). */
  requireCharacterClasses: boolean;
}

/** Entra External ID's bounds (8–256), a blocklist, no composition rules. */
export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = { minLength: 8, maxLength: 256, blocklist: true, requireCharacterClasses: false };

/**
 * NFKC-normalises a password (NIST 800-63B §3.1.1.2) so the same characters typed on another
 * keyboard still match, and checks its length in code points, not UTF-16 units or bytes.
 */
export function normalizePassword(password: string, policy: Pick<PasswordPolicy, 'minLength' | 'maxLength'> = DEFAULT_PASSWORD_POLICY): string {
  const normalized = password.normalize('NFKC');
  const length = [...normalized].length;
  if (length < policy.minLength) throw new DomainError('password_too_short', `Use at least ${policy.minLength} characters.`);
  if (length > policy.maxLength) throw new DomainError('password_too_long', `Use at most ${policy.maxLength} characters.`);
  return normalized;
}

const CLASSES = [/\p{Ll}/u, /\p{Lu}/u, /\p{Nd}/u, /[^\p{L}\p{Nd}]/u];

/**
 * Checks a password a person is choosing (sign-up, reset, admin-set) against every rule of the
 * policy, with one clear message per rule; returns it normalised for hashing.
 */
export function checkNewPassword(password: string, policy: PasswordPolicy, context: { email?: string; tenantName?: string } = {}): string {
  const normalized = normalizePassword(password, policy);
  if (policy.requireCharacterClasses && CLASSES.filter((c) => c.test(normalized)).length < 3) {
    throw new DomainError('password_too_simple');
  }
  if (policy.blocklist && isBlockedPassword(normalized, context)) throw new DomainError('password_blocked');
  return normalized;
}
