import { accountRef } from '../audit/security-event.ts';
import { DomainError } from '../errors.ts';
import type { FlowId, TenantId } from '../ids.ts';
import type { MailTemplate } from '../mail/outgoing-mail.ts';
import type { CoreDeps, PasscodePurpose, Store } from '../ports.ts';
import type { PasscodePolicy } from '../policies/passcode-policy.ts';
import { createRateLimiter } from '../policies/rate-limits.ts';

/** Who receives what when a code is (re)issued; `null` means nobody (unknown or ineligible address). */
export interface PasscodeDelivery {
  to: string;
  template: MailTemplate;
  locale: string;
  tenantName: string;
  /** Whether the mail carries the code (false for notices such as "someone tried to sign up"). */
  carriesCode: boolean;
}

export type PasscodeCheck = 'ok' | 'invalid_passcode' | 'too_many_attempts';

/**
 * Emailed one-time passcodes: CSPRNG digits, stored only as a keyed hash bound to their flow and
 * purpose, single use, short-lived, attempt-limited. A resend replaces the code and keeps the
 * failed-attempt count. The code and its mail are written in one transaction (the outbox).
 */
export function createPasscodes({ clock, random, mac, seal, counters, securityLog }: Pick<CoreDeps, 'clock' | 'random' | 'mac' | 'seal' | 'counters' | 'securityLog'>) {
  const limits = createRateLimiter(counters, securityLog);
  const hashOf = (flowId: FlowId, purpose: PasscodePurpose, code: string) => mac(`passcode:${purpose}:${flowId}:${code}`);

  /**
   * Issues the flow's first code or replaces it (resend), inside `tx`. When `delivery` is null no
   * mail goes out, yet a code exists all the same (nobody knows it), so the flow behaves the same.
   */
  async function issue(
    tx: Store,
    input: {
      tenantId: TenantId;
      flowId: FlowId;
      purpose: PasscodePurpose;
      policy: PasscodePolicy;
      delivery: PasscodeDelivery | null;
      /** The normalised address typed (counted whether or not it has an account) and the client's IP. */
      address: string;
      ip: string | null;
    },
  ): Promise<void> {
    const now = clock.now();
    const { flowId, purpose, policy } = input;
    await limits.enforceAll([
      ['passcode_send_per_address', `${input.tenantId}:${input.address}`],
      ['passcode_send_per_ip', input.ip],
      ['passcode_send_per_tenant', input.tenantId],
    ], { tenantId: input.tenantId, account: accountRef(mac, input.tenantId, input.address), ip: input.ip });
    const existing = await tx.passcodes.find(flowId);
    if (existing && existing.sends >= policy.maxSends) throw new DomainError('too_many_sends');
    if (existing && now - existing.lastSentAt < policy.resendCooldownMs) throw new DomainError('resend_too_soon');
    const code = random.digits(policy.length);
    const codeHash = hashOf(flowId, purpose, code);
    const expiresAt = now + policy.lifetimeMs;
    if (existing) {
      await tx.passcodes.replaceCode(flowId, codeHash, expiresAt, now);
    } else {
      const first = await tx.passcodes.insert({ flowId, tenantId: input.tenantId, purpose, codeHash, expiresAt, failedAttempts: 0, sends: 1, lastSentAt: now, consumedAt: null });
      // Two submissions of one flow at once: the other one issued the code; this one is stale.
      if (!first) throw new DomainError('flow_state_mismatch');
    }
    const { delivery } = input;
    if (!delivery) return;
    await tx.outbox.enqueue({
      id: random.id(),
      tenantId: input.tenantId,
      to: delivery.to,
      template: delivery.template,
      locale: delivery.locale,
      params: {
        tenantName: delivery.tenantName,
        email: delivery.to,
        lifetimeMinutes: Math.ceil(policy.lifetimeMs / 60000),
        // Sealed: the outbox row is cleared after sending, but old row versions linger on disk.
        ...(delivery.carriesCode ? { sealedCode: seal(code) } : {}),
      },
      createdAt: now,
    });
  }

  /** Checks a typed code; one conditional update decides, so a code can win only once. */
  async function check(store: Store, flowId: FlowId, purpose: PasscodePurpose, typed: string, policy: PasscodePolicy, ip: string | null, tenantId?: TenantId): Promise<PasscodeCheck> {
    if (ip) await limits.enforce('passcode_check_per_ip', ip, { tenantId, ip });
    const code = typed.replace(/\s+/g, '');
    if (/^\d{1,16}$/.test(code) && (await store.passcodes.consume(flowId, hashOf(flowId, purpose, code), clock.now(), policy.maxAttempts))) {
      return 'ok';
    }
    const failures = await store.passcodes.recordFailure(flowId);
    return failures >= policy.maxAttempts ? 'too_many_attempts' : 'invalid_passcode';
  }

  return { issue, check };
}

export type Passcodes = ReturnType<typeof createPasscodes>;
