import type { GroupId } from '../ids.ts';

export type IncludeTarget = 'all_users' | GroupId;

/** The tenant's authentication methods policy for Email OTP (Entra's shape, simplified). */
export interface AuthMethodsPolicy {
  emailOtp: {
    enabled: boolean;
    includeTargets: IncludeTarget[];
    excludeTargets: GroupId[];
  };
}

/** Entra external tenants ship with Email OTP on for all users; so do we. */
export const DEFAULT_AUTH_METHODS_POLICY: AuthMethodsPolicy = {
  emailOtp: { enabled: true, includeTargets: ['all_users'], excludeTargets: [] },
};

/**
 * Whether Email OTP may be used by a user in `groups`: enabled, included (all users or one of
 * their groups) and not excluded. Exclusion wins over inclusion.
 */
export function emailOtpAllowedFor(policy: AuthMethodsPolicy, groups: readonly GroupId[]): boolean {
  const { enabled, includeTargets, excludeTargets } = policy.emailOtp;
  if (!enabled) return false;
  if (excludeTargets.some((g) => groups.includes(g))) return false;
  return includeTargets.some((t) => t === 'all_users' || groups.includes(t));
}

/** Whether Email OTP is on for anyone at all (decides what pages may offer before we know the user). */
export function emailOtpOffered(policy: AuthMethodsPolicy): boolean {
  return policy.emailOtp.enabled && policy.emailOtp.includeTargets.length > 0;
}
