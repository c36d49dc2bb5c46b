import type { Passcodes } from '../credentials/passcode.ts';
import { checkNewPassword } from '../credentials/password-policy.ts';
import { DomainError, type ErrorCode } from '../errors.ts';
import type { AppId, FlowId, TenantId, UserId } from '../ids.ts';
import type { CoreDeps } from '../ports.ts';
import type { Tenant } from '../tenants/tenant.ts';
import { journeySettings } from '../user-flows/journey-settings.ts';
import { attributeFields, parseAttributes } from '../users/attributes.ts';
import { parseEmail } from '../users/email.ts';
import type { User } from '../users/user.ts';
import { type Flow, type JourneyData, advance, expectState, loadJourney } from './flow.ts';

/** Sign-up with email verification by passcode; see flows.md for its diagram. */
export const SignUpState = ['awaiting_email', 'awaiting_code', 'awaiting_details', 'completed', 'failed'] as const;
export type SignUpState = (typeof SignUpState)[number];

export interface SignUpData extends JourneyData {
  appId: AppId | null;
  locale: string;
  email?: string;
  /** True when the address already has an account: its owner was told, and no code can match. */
  existing?: boolean;
  userId?: UserId;
  error?: ErrorCode;
  /** A per-field message for the details step (e.g. which attribute is missing). */
  errorDetail?: string;
  /** Attribute values typed on the details step, shown again after an error (never passwords). */
  values?: Record<string, string>;
}

export type SignUpFlow = Flow<SignUpState, SignUpData>;

export const SIGN_UP_FLOW_TTL_MS = 30 * 60 * 1000;

export function createSignUpFlows(deps: CoreDeps, passcodes: Passcodes) {
  const { store, clock, random, hasher } = deps;
  const save = (flow: SignUpFlow, changes: Partial<Pick<SignUpFlow, 'state' | 'data'>>) => advance(store.flows, flow, changes);

  async function start(input: { tenant: Tenant; interactionUid: string; appId: AppId | null; locale: string; email?: string }): Promise<SignUpFlow> {
    const settings = await journeySettings(store, input.tenant, input.appId);
    if (!settings.signUpAllowed) throw new DomainError('sign_up_not_allowed');
    const now = clock.now();
    const flow: SignUpFlow = {
      id: random.id() as FlowId,
      tenantId: input.tenant.id,
      kind: 'sign_up',
      state: 'awaiting_email',
      data: { interactionUid: input.interactionUid, appId: input.appId, csrf: random.token(24), locale: input.locale, email: input.email },
      version: 1,
      expiresAt: now + SIGN_UP_FLOW_TTL_MS,
      createdAt: now,
    };
    await store.flows.insert(flow);
    return flow;
  }

  function load(tenantId: TenantId, flowId: string, interactionUid: string): Promise<SignUpFlow> {
    return loadJourney<SignUpFlow>(store.flows, clock.now(), 'sign_up', tenantId, flowId, interactionUid);
  }

  /**
   * Mails a verification code, or, when the address already has an account, a notice to its
   * owner instead. Either way the next step is "Enter code", so the page reveals nothing.
   */
  async function submitEmail(tenant: Tenant, flow: SignUpFlow, rawEmail: string, ip: string | null): Promise<SignUpFlow> {
    expectState(flow, 'sign_up', 'awaiting_email', clock.now());
    let email: string;
    let normalized: string;
    try {
      ({ email, normalized } = parseEmail(rawEmail));
    } catch {
      return save(flow, { data: { ...flow.data, email: rawEmail.slice(0, 320), error: 'invalid_email' } });
    }
    const settings = await journeySettings(store, tenant, flow.data.appId);
    const existing = (await store.users.findByEmail(tenant.id, normalized)) !== undefined;
    return store.transaction(async (tx) => {
      await passcodes.issue(tx, {
        tenantId: tenant.id,
        flowId: flow.id,
        purpose: 'sign_up',
        policy: settings.policies.passcode,
        delivery: {
          to: email,
          locale: flow.data.locale,
          tenantName: settings.tenantName,
          template: existing ? 'sign_up_existing_account' : 'passcode_sign_up',
          carriesCode: !existing,
        },
        address: normalized,
        ip,
      });
      return advance<SignUpFlow>(tx.flows, flow, { state: 'awaiting_code', data: { ...flow.data, email, existing, error: undefined } });
    });
  }

  async function resend(tenant: Tenant, flow: SignUpFlow, ip: string | null): Promise<SignUpFlow> {
    expectState(flow, 'sign_up', 'awaiting_code', clock.now());
    const settings = await journeySettings(store, tenant, flow.data.appId);
    const email = flow.data.email ?? '';
    try {
      await store.transaction((tx) =>
        passcodes.issue(tx, {
          tenantId: tenant.id,
          flowId: flow.id,
          purpose: 'sign_up',
          policy: settings.policies.passcode,
          delivery: flow.data.existing ? null : { to: email, locale: flow.data.locale, tenantName: settings.tenantName, template: 'passcode_sign_up', carriesCode: true },
          address: email.toLowerCase(),
          ip,
        }),
      );
      return await save(flow, { data: { ...flow.data, error: undefined } });
    } catch (error) {
      if (error instanceof DomainError && (error.code === 'resend_too_soon' || error.code === 'too_many_sends')) return save(flow, { data: { ...flow.data, error: error.code } });
      throw error;
    }
  }

  async function submitCode(tenant: Tenant, flow: SignUpFlow, code: string, ip: string | null): Promise<SignUpFlow> {
    expectState(flow, 'sign_up', 'awaiting_code', clock.now());
    const { policies } = await journeySettings(store, tenant, flow.data.appId);
    const result = await passcodes.check(store, flow.id, 'sign_up', code.slice(0, 64), policies.passcode, ip, flow.tenantId);
    if (result === 'ok' && !flow.data.existing) return save(flow, { state: 'awaiting_details', data: { ...flow.data, error: undefined } });
    if (result === 'too_many_attempts') return save(flow, { state: 'failed', data: { ...flow.data, error: 'too_many_attempts' } });
    return save(flow, { data: { ...flow.data, error: 'invalid_passcode' } });
  }

  /** Creates the account (email verified by the code) with its password and collected attributes. */
  async function submitDetails(tenant: Tenant, flow: SignUpFlow, form: { password: string; confirm: string; values: Record<string, string | undefined> }): Promise<SignUpFlow> {
    expectState(flow, 'sign_up', 'awaiting_details', clock.now());
    const settings = await journeySettings(store, tenant, flow.data.appId);
    const fields = attributeFields(settings.attributes, settings.customAttributes);
    const { email, normalized } = parseEmail(flow.data.email ?? '');
    let user: User;
    let hash: string;
    try {
      if (form.password !== form.confirm) throw new DomainError('password_mismatch');
      const password = checkNewPassword(form.password, settings.policies.password, { email, tenantName: tenant.name });
      const attributes = parseAttributes(fields, form.values);
      const { displayName, ...rest } = attributes;
      const now = clock.now();
      user = {
        id: random.id() as UserId,
        tenantId: tenant.id,
        email,
        emailNormalized: normalized,
        displayName: typeof displayName === 'string' ? displayName : (email.split('@')[0] ?? email),
        attributes: rest,
        enabled: true,
        emailVerified: true,
        createdAt: now,
        updatedAt: now,
      };
      hash = await hasher.hash(password);
    } catch (error) {
      if (error instanceof DomainError) {
        const typed = Object.fromEntries(fields.flatMap((f) => (form.values[f.name] ? [[f.name, String(form.values[f.name]).slice(0, f.maxLength)]] : [])));
        return save(flow, { data: { ...flow.data, error: error.code, errorDetail: error.detail, values: typed } });
      }
      throw error;
    }
    try {
      return await store.transaction(async (tx) => {
        await tx.users.insert(user);
        await tx.passwords.upsert({ userId: user.id, hash, updatedAt: user.createdAt });
        await tx.auditLog.append({ tenantId: tenant.id, at: user.createdAt, actor: `user:${user.id}`, action: 'sign_up', target: `user:${user.id}`, details: { appId: flow.data.appId, method: 'email_password' } });
        return advance<SignUpFlow>(tx.flows, flow, { state: 'completed', data: { ...flow.data, userId: user.id, error: undefined, errorDetail: undefined, values: undefined } });
      });
    } catch (error) {
      // Someone finished a sign-up for this address meanwhile: the code proved ownership, say so plainly.
      if (error instanceof DomainError && error.code === 'email_taken') return save(flow, { data: { ...flow.data, error: 'email_taken' } });
      throw error;
    }
  }

  return { start, load, submitEmail, resend, submitCode, submitDetails, fieldsFor: async (tenant: Tenant, appId: AppId | null) => {
    const s = await journeySettings(store, tenant, appId);
    return attributeFields(s.attributes, s.customAttributes);
  } };
}

export type SignUpFlows = ReturnType<typeof createSignUpFlows>;
