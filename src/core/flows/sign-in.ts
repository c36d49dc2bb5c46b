import { accountRef } from '../audit/security-event.ts';
import type { SignInEvent } from '../audit/sign-in-event.ts';
import { createLockout } from '../credentials/lockout.ts';
import { checkNewPassword } from '../credentials/password-policy.ts';
import type { PasswordAuthenticator, PasswordCheck } from '../credentials/password-authenticator.ts';
import { createRateLimiter } from '../policies/rate-limits.ts';
import { resolvePolicies } from '../policies/tenant-policies.ts';
import { DomainError, type ErrorCode } from '../errors.ts';
import type { AppId, FlowId, TenantId, UserId } from '../ids.ts';
import type { CoreDeps } from '../ports.ts';
import { parseEmail } from '../users/email.ts';
import { type Flow, type JourneyData, advance, expectState, loadJourney } from './flow.ts';

/** The password sign-in journey; see flows.md for its diagram. */
export const SignInState = ['awaiting_email', 'awaiting_password', 'awaiting_new_password', 'completed'] as const;
export type SignInState = (typeof SignInState)[number];

export interface SignInData extends JourneyData {
  appId: AppId | null;
  email?: string;
  /** The error to show on the next render of the current step. */
  error?: ErrorCode;
  userId?: UserId;
}

export type SignInFlow = Flow<SignInState, SignInData>;

/** How long a sign-in journey stays usable. */
export const SIGN_IN_FLOW_TTL_MS = 30 * 60 * 1000;

export interface RequestContext {
  ip: string | null;
  userAgent: string | null;
}

export function createSignInFlows(deps: CoreDeps, passwords: PasswordAuthenticator) {
  const { store, clock, random } = deps;
  const lockout = createLockout(deps.counters, deps.securityLog);
  const limits = createRateLimiter(deps.counters, deps.securityLog);

  const save = (flow: SignInFlow, changes: Partial<Pick<SignInFlow, 'state' | 'data'>>) => advance(store.flows, flow, changes);

  async function start(input: { tenantId: TenantId; interactionUid: string; appId: AppId | null; loginHint?: string }): Promise<SignInFlow> {
    const now = clock.now();
    let email: string | undefined;
    try {
      if (input.loginHint) email = parseEmail(input.loginHint).email;
    } catch {
      email = undefined; // A malformed hint is ignored, as if none was given.
    }
    const flow: SignInFlow = {
      id: random.id() as FlowId,
      tenantId: input.tenantId,
      kind: 'sign_in',
      state: 'awaiting_email',
      data: { interactionUid: input.interactionUid, appId: input.appId, csrf: random.token(24), email },
      version: 1,
      expiresAt: now + SIGN_IN_FLOW_TTL_MS,
      createdAt: now,
    };
    await store.flows.insert(flow);
    return flow;
  }

  /** Loads a live sign-in flow of this tenant and interaction, or fails with flow_not_found/flow_expired. */
  function load(tenantId: TenantId, flowId: string, interactionUid: string): Promise<SignInFlow> {
    return loadJourney<SignInFlow>(store.flows, clock.now(), 'sign_in', tenantId, flowId, interactionUid);
  }

  /** Email → password step. The email is not looked up here, so this step reveals nothing. */
  async function submitEmail(flow: SignInFlow, rawEmail: string): Promise<SignInFlow> {
    expectState(flow, 'sign_in', 'awaiting_email', clock.now());
    try {
      const { email } = parseEmail(rawEmail);
      return await save(flow, { state: 'awaiting_password', data: { ...flow.data, email, error: undefined } });
    } catch (error) {
      if (error instanceof DomainError && error.code === 'invalid_email') {
        return save(flow, { data: { ...flow.data, email: rawEmail.slice(0, 320), error: 'invalid_email' } });
      }
      throw error;
    }
  }

  async function changeEmail(flow: SignInFlow): Promise<SignInFlow> {
    expectState(flow, 'sign_in', 'awaiting_password', clock.now());
    return save(flow, { state: 'awaiting_email', data: { ...flow.data, error: undefined } });
  }

  /**
   * Checks the password. On success the flow completes and names the user; on any failure (wrong
   * password, unknown email, disabled, locked) the flow stays on the password step with one
   * generic error, whatever the reason was; the sign-in log keeps the real reason.
   */
  async function submitPassword(flow: SignInFlow, password: string, context: RequestContext): Promise<SignInFlow> {
    expectState(flow, 'sign_in', 'awaiting_password', clock.now());
    const email = flow.data.email ?? '';
    const normalized = parseEmail(email).normalized;
    if (context.ip) await limits.enforce('password_per_ip', context.ip, { tenantId: flow.tenantId, account: accountRef(deps.mac, flow.tenantId, normalized), ip: context.ip });
    const { lockout: lockoutPolicy } = resolvePolicies((await store.tenants.findById(flow.tenantId))?.policies);
    const locked = (await lockout.lockedFor(flow.tenantId, normalized)) > 0;
    // The password is verified even while locked, so a locked account costs and answers the same.
    const checked = await passwords.check(flow.tenantId, normalized, password.slice(0, 1024));
    const result: PasswordCheck = locked ? { ok: false, user: checked.user, reason: 'locked' } : checked;
    if (!locked) {
      if (result.ok) await lockout.recordSuccess(flow.tenantId, normalized);
      else await lockout.recordFailure(flow.tenantId, normalized, lockoutPolicy, { account: accountRef(deps.mac, flow.tenantId, normalized, result.user?.id), ip: context.ip });
    }
    const event: SignInEvent = {
      tenantId: flow.tenantId,
      at: clock.now(),
      userId: result.user?.id ?? null,
      email,
      appId: flow.data.appId,
      method: 'password',
      outcome: result.ok ? 'success' : 'failure',
      reason: result.ok ? 'ok' : result.reason,
      ip: context.ip,
      userAgent: context.userAgent,
    };
    await store.signInLog.append(event);
    if (!result.ok) return save(flow, { data: { ...flow.data, error: 'invalid_credentials' } });
    // A password an administrator set is temporary: the user chooses their own before going on.
    const next: SignInState = result.mustChange ? 'awaiting_new_password' : 'completed';
    return save(flow, { state: next, data: { ...flow.data, error: undefined, userId: result.user.id } });
  }

  /**
   * Replaces a temporary password (set by an administrator) with one the user chooses, under the
   * tenant's password policy; it may not be the temporary one. Then the sign-in completes.
   */
  async function submitNewPassword(flow: SignInFlow, password: string, confirm: string): Promise<SignInFlow> {
    expectState(flow, 'sign_in', 'awaiting_new_password', clock.now());
    const userId = flow.data.userId;
    if (!userId) throw new DomainError('flow_state_mismatch');
    const tenant = await store.tenants.findById(flow.tenantId);
    let normalized: string;
    try {
      if (password !== confirm) throw new DomainError('password_mismatch');
      normalized = checkNewPassword(password, resolvePolicies(tenant?.policies).password, { email: flow.data.email, tenantName: tenant?.name });
      const current = await store.passwords.find(userId);
      if (current && (await deps.hasher.verify(current.hash, normalized))) throw new DomainError('password_recently_used');
    } catch (error) {
      if (error instanceof DomainError) return save(flow, { data: { ...flow.data, error: error.code } });
      throw error;
    }
    const hash = await deps.hasher.hash(normalized);
    const now = clock.now();
    return store.transaction(async (tx) => {
      await tx.passwords.upsert({ userId, hash, updatedAt: now, mustChange: false });
      await tx.auditLog.append({ tenantId: flow.tenantId, at: now, actor: `user:${userId}`, action: 'password_changed', target: `user:${userId}`, details: { reason: 'temporary_password', appId: flow.data.appId } });
      return advance<SignInFlow>(tx.flows, flow, { state: 'completed', data: { ...flow.data, error: undefined } });
    });
  }

  return { start, load, submitEmail, changeEmail, submitPassword, submitNewPassword };
}

export type SignInFlows = ReturnType<typeof createSignInFlows>;
