import type { PasscodeDelivery, Passcodes } from '../credentials/passcode.ts';
import { createLockout } from '../credentials/lockout.ts';
import { checkNewPassword } from '../credentials/password-policy.ts';
import { DomainError, type ErrorCode } from '../errors.ts';
import type { AppId, FlowId, TenantId, UserId } from '../ids.ts';
import { emailOtpAllowedFor } from '../policies/auth-methods-policy.ts';
import type { CoreDeps } from '../ports.ts';
import type { Tenant } from '../tenants/tenant.ts';
import { journeySettings } from '../user-flows/journey-settings.ts';
import { parseEmail } from '../users/email.ts';
import { type Flow, type JourneyData, advance, expectState, loadJourney } from './flow.ts';

/** Self-service password reset by emailed passcode; see flows.md for its diagram. */
export const PasswordResetState = ['awaiting_code', 'awaiting_new_password', 'completed', 'failed'] as const;
export type PasswordResetState = (typeof PasswordResetState)[number];

export interface PasswordResetData extends JourneyData {
  appId: AppId | null;
  email: string;
  locale: string;
  /** Set only when the address belongs to an eligible user; never shown to the browser. */
  userId: UserId | null;
  error?: ErrorCode;
}

export type PasswordResetFlow = Flow<PasswordResetState, PasswordResetData>;

export const PASSWORD_RESET_FLOW_TTL_MS = 30 * 60 * 1000;

export function createPasswordResetFlows(deps: CoreDeps, passcodes: Passcodes) {
  const { store, clock, random, hasher } = deps;
  const lockout = createLockout(deps.counters, deps.securityLog);
  const save = (flow: PasswordResetFlow, changes: Partial<Pick<PasswordResetFlow, 'state' | 'data'>>) => advance(store.flows, flow, changes);

  /** The user the reset may act for: existing, enabled, and allowed Email OTP by the policy. */
  async function eligibleUser(tenant: Tenant, emailNormalized: string, otpPolicy: Parameters<typeof emailOtpAllowedFor>[0]) {
    const user = await store.users.findByEmail(tenant.id, emailNormalized);
    if (!user?.enabled) return null;
    return emailOtpAllowedFor(otpPolicy, await store.groups.groupsOf(user.id)) ? user : null;
  }

  /**
   * Starts a reset for `email` and mails a code when the address has an eligible account. For any
   * other address the flow looks and behaves the same, but no code is mailed (or, if the tenant
   * asks for it, an "attempted reset" notice), so the page reveals nothing.
   */
  async function start(input: { tenant: Tenant; interactionUid: string; appId: AppId | null; email: string; locale: string; ip: string | null }): Promise<PasswordResetFlow> {
    const { tenant } = input;
    const settings = await journeySettings(store, tenant, input.appId);
    if (!settings.ssprOffered) throw new DomainError('method_not_available');
    const { email, normalized } = parseEmail(input.email);
    const user = await eligibleUser(tenant, normalized, settings.policies.authMethods);
    const now = clock.now();
    const flow: PasswordResetFlow = {
      id: random.id() as FlowId,
      tenantId: tenant.id,
      kind: 'password_reset',
      state: 'awaiting_code',
      data: { interactionUid: input.interactionUid, appId: input.appId, csrf: random.token(24), email, locale: input.locale, userId: user?.id ?? null },
      version: 1,
      expiresAt: now + PASSWORD_RESET_FLOW_TTL_MS,
      createdAt: now,
    };
    await store.transaction(async (tx) => {
      await tx.flows.insert(flow);
      await passcodes.issue(tx, { tenantId: tenant.id, flowId: flow.id, purpose: 'password_reset', policy: settings.policies.passcode, delivery: delivery(flow, settings.tenantName, settings.policies.passcode.notifyUnknownResetAttempts), address: normalized, ip: input.ip });
    });
    return flow;
  }

  function delivery(flow: PasswordResetFlow, tenantName: string, notifyUnknown: boolean): PasscodeDelivery | null {
    const base = { to: flow.data.email, locale: flow.data.locale, tenantName };
    if (flow.data.userId) return { ...base, template: 'passcode_password_reset', carriesCode: true };
    return notifyUnknown ? { ...base, template: 'password_reset_unknown_account', carriesCode: false } : null;
  }

  function load(tenantId: TenantId, flowId: string, interactionUid: string): Promise<PasswordResetFlow> {
    return loadJourney<PasswordResetFlow>(store.flows, clock.now(), 'password_reset', tenantId, flowId, interactionUid);
  }

  /** Sends a new code; the old one stops working and the failed-try count stays. */
  async function resend(tenant: Tenant, flow: PasswordResetFlow, ip: string | null): Promise<PasswordResetFlow> {
    expectState(flow, 'password_reset', 'awaiting_code', clock.now());
    const settings = await journeySettings(store, tenant, flow.data.appId);
    try {
      await store.transaction((tx) =>
        passcodes.issue(tx, { tenantId: tenant.id, flowId: flow.id, purpose: 'password_reset', policy: settings.policies.passcode, delivery: delivery(flow, settings.tenantName, false), address: parseEmail(flow.data.email).normalized, ip }),
      );
      return await save(flow, { data: { ...flow.data, error: undefined } });
    } catch (error) {
      if (error instanceof DomainError && (error.code === 'resend_too_soon' || error.code === 'too_many_sends')) {
        return save(flow, { data: { ...flow.data, error: error.code } });
      }
      throw error;
    }
  }

  async function submitCode(tenant: Tenant, flow: PasswordResetFlow, code: string, ip: string | null): Promise<PasswordResetFlow> {
    expectState(flow, 'password_reset', 'awaiting_code', clock.now());
    const { policies } = await journeySettings(store, tenant, flow.data.appId);
    const result = await passcodes.check(store, flow.id, 'password_reset', code.slice(0, 64), policies.passcode, ip, flow.tenantId);
    if (result === 'ok' && flow.data.userId) return save(flow, { state: 'awaiting_new_password', data: { ...flow.data, error: undefined } });
    if (result === 'too_many_attempts') return save(flow, { state: 'failed', data: { ...flow.data, error: 'too_many_attempts' } });
    return save(flow, { data: { ...flow.data, error: 'invalid_passcode' } });
  }

  /**
   * Sets the new password, then revokes every session and refresh token of the user, mails a
   * "password changed" notice and writes the audit log, all in one transaction; clears any lockout.
   */
  async function submitNewPassword(tenant: Tenant, flow: PasswordResetFlow, password: string, confirm: string): Promise<PasswordResetFlow> {
    expectState(flow, 'password_reset', 'awaiting_new_password', clock.now());
    const userId = flow.data.userId;
    if (!userId) throw new DomainError('flow_state_mismatch');
    const settings = await journeySettings(store, tenant, flow.data.appId);
    let normalized: string;
    try {
      if (password !== confirm) throw new DomainError('password_mismatch');
      normalized = checkNewPassword(password, settings.policies.password, { email: flow.data.email, tenantName: tenant.name });
      const current = await store.passwords.find(userId);
      if (current && (await hasher.verify(current.hash, normalized))) throw new DomainError('password_recently_used');
    } catch (error) {
      if (error instanceof DomainError) return save(flow, { data: { ...flow.data, error: error.code } });
      throw error;
    }
    const hash = await hasher.hash(normalized);
    const now = clock.now();
    return store.transaction(async (tx) => {
      await tx.passwords.upsert({ userId, hash, updatedAt: now });
      await tx.oidcArtifacts.revokeByAccount(tenant.id, userId);
      await tx.outbox.enqueue({
        id: random.id(),
        tenantId: tenant.id,
        to: flow.data.email,
        template: 'password_changed',
        locale: flow.data.locale,
        params: { tenantName: settings.tenantName, email: flow.data.email },
        createdAt: now,
      });
      await tx.auditLog.append({ tenantId: tenant.id, at: now, actor: `user:${userId}`, action: 'password_reset', target: `user:${userId}`, details: { method: 'email_otp', appId: flow.data.appId } });
      await lockout.clear(tenant.id, parseEmail(flow.data.email).normalized);
      return advance<PasswordResetFlow>(tx.flows, flow, { state: 'completed', data: { ...flow.data, error: undefined } });
    });
  }

  return { start, load, resend, submitCode, submitNewPassword };
}

export type PasswordResetFlows = ReturnType<typeof createPasswordResetFlows>;
