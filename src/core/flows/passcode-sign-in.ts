import type { RequestContext } from './sign-in.ts';
import { accountRef } from '../audit/security-event.ts';
import { createLockout } from '../credentials/lockout.ts';
import type { Passcodes } from '../credentials/passcode.ts';
import { DomainError, type ErrorCode } from '../errors.ts';
import type { AppId, FlowId, TenantId, UserId } from '../ids.ts';
import { emailOtpAllowedFor } from '../policies/auth-methods-policy.ts';
import type { CoreDeps } from '../ports.ts';
import type { Tenant } from '../tenants/tenant.ts';
import { journeySettings } from '../user-flows/journey-settings.ts';
import { parseEmail } from '../users/email.ts';
import { type Flow, type JourneyData, advance, expectState, loadJourney } from './flow.ts';

/** Passwordless sign-in with an emailed passcode; see flows.md for its diagram. */
export const PasscodeSignInState = ['awaiting_code', 'completed', 'failed'] as const;
export type PasscodeSignInState = (typeof PasscodeSignInState)[number];

export interface PasscodeSignInData extends JourneyData {
  appId: AppId | null;
  email: string;
  locale: string;
  /** Set only for an enabled user whom the policy allows Email OTP; never shown to the browser. */
  userId: UserId | null;
  error?: ErrorCode;
}

export type PasscodeSignInFlow = Flow<PasscodeSignInState, PasscodeSignInData>;

export const PASSCODE_SIGN_IN_FLOW_TTL_MS = 30 * 60 * 1000;

export function createPasscodeSignInFlows(deps: CoreDeps, passcodes: Passcodes) {
  const { store, clock, random } = deps;
  const lockout = createLockout(deps.counters, deps.securityLog);
  const save = (flow: PasscodeSignInFlow, changes: Partial<Pick<PasscodeSignInFlow, 'state' | 'data'>>) => advance(store.flows, flow, changes);

  /**
   * Mails a code if the address belongs to an enabled user within the Email OTP policy's targets.
   * Anyone else gets the same "Enter code" step and no mail, so targeting reveals no account.
   */
  async function start(input: { tenant: Tenant; interactionUid: string; appId: AppId | null; email: string; locale: string; ip: string | null }): Promise<PasscodeSignInFlow> {
    const { tenant } = input;
    const settings = await journeySettings(store, tenant, input.appId);
    if (!settings.passcodeSignInOffered) throw new DomainError('method_not_available');
    const { email, normalized } = parseEmail(input.email);
    const found = await store.users.findByEmail(tenant.id, normalized);
    const allowed = found?.enabled && emailOtpAllowedFor(settings.policies.authMethods, await store.groups.groupsOf(found.id));
    const now = clock.now();
    const flow: PasscodeSignInFlow = {
      id: random.id() as FlowId,
      tenantId: tenant.id,
      kind: 'passcode_sign_in',
      state: 'awaiting_code',
      data: { interactionUid: input.interactionUid, appId: input.appId, csrf: random.token(24), email, locale: input.locale, userId: allowed && found ? found.id : null },
      version: 1,
      expiresAt: now + PASSCODE_SIGN_IN_FLOW_TTL_MS,
      createdAt: now,
    };
    await store.transaction(async (tx) => {
      await tx.flows.insert(flow);
      await passcodes.issue(tx, { tenantId: tenant.id, flowId: flow.id, purpose: 'sign_in', policy: settings.policies.passcode, delivery: deliveryFor(flow, settings.tenantName), address: normalized, ip: input.ip });
    });
    return flow;
  }

  const deliveryFor = (flow: PasscodeSignInFlow, tenantName: string) =>
    flow.data.userId ? { to: flow.data.email, locale: flow.data.locale, tenantName, template: 'passcode_sign_in' as const, carriesCode: true } : null;

  function load(tenantId: TenantId, flowId: string, interactionUid: string): Promise<PasscodeSignInFlow> {
    return loadJourney<PasscodeSignInFlow>(store.flows, clock.now(), 'passcode_sign_in', tenantId, flowId, interactionUid);
  }

  async function resend(tenant: Tenant, flow: PasscodeSignInFlow, ip: string | null): Promise<PasscodeSignInFlow> {
    expectState(flow, 'passcode_sign_in', 'awaiting_code', clock.now());
    const settings = await journeySettings(store, tenant, flow.data.appId);
    try {
      await store.transaction((tx) =>
        passcodes.issue(tx, { tenantId: tenant.id, flowId: flow.id, purpose: 'sign_in', policy: settings.policies.passcode, delivery: deliveryFor(flow, settings.tenantName), address: flow.data.email.toLowerCase(), ip }),
      );
      return await save(flow, { data: { ...flow.data, error: undefined } });
    } catch (error) {
      if (error instanceof DomainError && (error.code === 'resend_too_soon' || error.code === 'too_many_sends')) return save(flow, { data: { ...flow.data, error: error.code } });
      throw error;
    }
  }

  async function submitCode(tenant: Tenant, flow: PasscodeSignInFlow, code: string, context: RequestContext): Promise<PasscodeSignInFlow> {
    expectState(flow, 'passcode_sign_in', 'awaiting_code', clock.now());
    const { policies } = await journeySettings(store, tenant, flow.data.appId);
    // One lockout counter per account for every method: wrong codes count like wrong passwords,
    // and a locked account cannot sign in with a code either, so alternating methods buys an
    // attacker nothing. The code is checked even while locked: the answer is the same.
    const { normalized } = parseEmail(flow.data.email);
    const locked = (await lockout.lockedFor(tenant.id, normalized)) > 0;
    const result = await passcodes.check(store, flow.id, 'sign_in', code.slice(0, 64), policies.passcode, context.ip, tenant.id);
    const ok = !locked && result === 'ok' && flow.data.userId !== null;
    if (!locked) {
      if (ok) await lockout.recordSuccess(tenant.id, normalized);
      else await lockout.recordFailure(tenant.id, normalized, policies.lockout, { account: accountRef(deps.mac, tenant.id, normalized, flow.data.userId), ip: context.ip });
    }
    await store.signInLog.append({
      tenantId: tenant.id,
      at: clock.now(),
      userId: flow.data.userId,
      email: flow.data.email,
      appId: flow.data.appId,
      method: 'email_otp',
      outcome: ok ? 'success' : 'failure',
      reason: ok ? 'ok' : locked ? 'locked' : flow.data.userId ? 'invalid_passcode' : 'unknown_user',
      ip: context.ip,
      userAgent: context.userAgent,
    });
    if (ok) return save(flow, { state: 'completed', data: { ...flow.data, error: undefined } });
    if (result === 'too_many_attempts') return save(flow, { state: 'failed', data: { ...flow.data, error: 'too_many_attempts' } });
    return save(flow, { data: { ...flow.data, error: 'invalid_passcode' } });
  }

  return { start, load, resend, submitCode };
}

export type PasscodeSignInFlows = ReturnType<typeof createPasscodeSignInFlows>;
