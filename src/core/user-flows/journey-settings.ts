import { ADMIN_TENANT } from '../admin/admin-directory.ts';
import type { AppId } from '../ids.ts';
import { emailOtpOffered } from '../policies/auth-methods-policy.ts';
import { type TenantPolicies, resolvePolicies } from '../policies/tenant-policies.ts';
import type { Store } from '../ports.ts';
import type { Tenant } from '../tenants/tenant.ts';
import type { CustomAttribute, SignInMethod } from './user-flow.ts';

/** What the hosted pages may offer for one app of one tenant, before anyone is identified. */
export interface JourneySettings {
  tenantName: string;
  methods: SignInMethod[];
  signUpAllowed: boolean;
  /** "Forgot password?": the flow registers Email with password, has SSPR on, and Email OTP is on. */
  ssprOffered: boolean;
  /** Passcode sign-in: the flow registers Email one-time passcode and Email OTP is on. */
  passcodeSignInOffered: boolean;
  attributes: string[];
  customAttributes: CustomAttribute[];
  policies: TenantPolicies;
}

/**
 * Resolves the app's user flow and the tenant's policies. An app with no user flow gets
 * Entra's default: Email with password, sign-up and SSPR, collecting the display name.
 */
export async function journeySettings(store: Store, tenant: Tenant, appId: AppId | null): Promise<JourneySettings> {
  const app = appId ? await store.apps.findById(tenant.id, appId) : undefined;
  const userFlow = app?.userFlowId ? await store.userFlows.findById(tenant.id, app.userFlowId) : undefined;
  // Policies are read fresh (not from the caller's possibly cached tenant) so an admin's change
  // applies to the very next page.
  const current = (await store.tenants.findById(tenant.id)) ?? tenant;
  const policies = resolvePolicies(current.policies);
  const methods = userFlow?.methods ?? ['email_password'];
  const otpOn = emailOtpOffered(policies.authMethods);
  return {
    tenantName: tenant.displayName,
    methods,
    // Administrators are created by other administrators or the CLI, never by signing up.
    signUpAllowed: tenant.name !== ADMIN_TENANT,
    ssprOffered: methods.includes('email_password') && (userFlow?.ssprEnabled ?? true) && otpOn,
    passcodeSignInOffered: methods.includes('email_otp') && otpOn,
    attributes: userFlow?.attributes ?? ['displayName'],
    customAttributes: userFlow?.customAttributes ?? [],
    policies,
  };
}
