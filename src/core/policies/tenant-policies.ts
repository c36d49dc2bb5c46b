import { DEFAULT_PASSWORD_POLICY, type PasswordPolicy } from '../credentials/password-policy.ts';
import { type AuthMethodsPolicy, DEFAULT_AUTH_METHODS_POLICY } from './auth-methods-policy.ts';
import { DEFAULT_LOCKOUT_POLICY, type LockoutPolicy } from './lockout-policy.ts';
import { DEFAULT_PASSCODE_POLICY, type PasscodePolicy } from './passcode-policy.ts';

/** Every policy of a tenant. Stored as the tenant's overrides; read merged with the defaults. */
export interface TenantPolicies {
  authMethods: AuthMethodsPolicy;
  passcode: PasscodePolicy;
  password: PasswordPolicy;
  lockout: LockoutPolicy;
}

export type PolicyOverrides = { [K in keyof TenantPolicies]?: Partial<TenantPolicies[K]> };

export function resolvePolicies(overrides: PolicyOverrides = {}): TenantPolicies {
  return {
    authMethods: { emailOtp: { ...DEFAULT_AUTH_METHODS_POLICY.emailOtp, ...overrides.authMethods?.emailOtp } },
    passcode: { ...DEFAULT_PASSCODE_POLICY, ...overrides.passcode },
    password: { ...DEFAULT_PASSWORD_POLICY, ...overrides.password },
    lockout: { ...DEFAULT_LOCKOUT_POLICY, ...overrides.lockout },
  };
}
