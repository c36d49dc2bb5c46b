import { randomInt } from 'node:crypto';
import type { Clock, OutboxStore, QueuedMail, TenantStore } from '../core/ports.ts';
import { MailRenderError, renderMail } from './templates/render.ts';
import type { MailMessage, MailTransport } from './transport.ts';

/** The log calls the worker makes (a pino logger fits). Parameters and codes are never logged. */
export interface OutboxWorkerLogger {
  debug(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface RetryPolicy {
  /** Delay after the first failed attempt; it doubles with each further failure. */
  baseMs: number;
  maxMs: number;
  /** After this many failed attempts the mail is parked and an error is logged. */
  maxAttempts: number;
  /** Spread of each delay, ±fraction, so mails that failed together do not retry together. */
  jitter: number;
}

export interface OutboxWorkerOptions {
  outbox: OutboxStore;
  /** Opens parameters the core sealed (`sealedCode` becomes `code`); without it they stay sealed. */
  unseal?: (sealed: string) => string;
  clock: Clock;
  transport: MailTransport;
  /** The From header of every mail. */
  from: string;
  logger: OutboxWorkerLogger;
  /** Supplies the tenant's display name for a mail enqueued without a tenantName parameter. */
  tenants?: Pick<TenantStore, 'findById'>;
  /** Origin the passcodes are entered at; passcode mails then carry an OTP-Token header. */
  otpOrigin?: string;
  /** How often to look for mails enqueued by other nodes and for retries that came due. */
  pollIntervalMs?: number;
  /** How long a claimed mail is reserved; after a crash, another worker takes it once this ends. */
  leaseMs?: number;
  /** Deadline of one send, kept well below the lease so a slow send cannot be sent twice. */
  sendTimeoutMs?: number;
  /** Mails being sent at once, at most. */
  concurrency?: number;
  retry?: Partial<RetryPolicy>;
  /** Uniform in [0, 1), for the jitter. */
  random?: () => number;
}

export interface OutboxWorker {
  /** Starts polling; idempotent. */
  start(): void;
  /** Stops polling and resolves once every send in flight has finished and been recorded. */
  stop(): Promise<void>;
  /** Looks for due mail now (call after committing a transaction that enqueued mail). */
  nudge(): void;
  /** Delivers every mail due now, retries included, and resolves when all are recorded. Works while stopped. */
  drain(): Promise<void>;
}

/** `due_at` of a parked mail: it stays in the outbox, visibly pending, but is never claimed. */
export const PARKED_DUE_AT = Number.MAX_SAFE_INTEGER;

const DEFAULT_RETRY: RetryPolicy = { baseMs: 2_000, maxMs: 5 * 60_000, maxAttempts: 20, jitter: 0.2 };

/** The delay before retrying after failed attempt number `attempt` (1-based). */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number): number {
  const exponential = policy.baseMs * 2 ** Math.min(attempt - 1, 30);
  const spread = 1 - policy.jitter + 2 * policy.jitter * random();
  return Math.round(Math.min(policy.maxMs, Math.min(exponential, policy.maxMs) * spread));
}

/** The OTP-Token draft accepts https origins, and http ones only on a loopback host. */
function trustworthyOrigin(candidate: string | undefined): string | undefined {
  if (!candidate) return undefined;
  try {
    const url = new URL(candidate);
    const loopback = /^(localhost|.+\.localhost|127(\.\d+){3}|\[::1\])$/.test(url.hostname);
    return url.protocol === 'https:' || (url.protocol === 'http:' && loopback) ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

const describe = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 1000);

/**
 * Delivers the transactional outbox: claims due mails under a lease, renders and sends them, and
 * records the outcome. Delivery is at-least-once: a mail sent by a node that dies before
 * recording it is sent again when its lease ends. A failed send is retried with exponential
 * backoff; after `maxAttempts` the mail is parked (kept, never claimed again) with an error log.
 */
export function createOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const { outbox, clock, transport, logger } = options;
  const pollIntervalMs = options.pollIntervalMs ?? 500;
  const leaseMs = options.leaseMs ?? 60_000;
  const sendTimeoutMs = options.sendTimeoutMs ?? 30_000;
  const concurrency = options.concurrency ?? 5;
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  // Jitter needs no secrecy, but src/ has one rule: randomness comes from node:crypto.
  const random = options.random ?? (() => randomInt(2 ** 32) / 2 ** 32);
  const otpOrigin = trustworthyOrigin(options.otpOrigin);
  if (sendTimeoutMs >= leaseMs) throw new Error('outbox worker: sendTimeoutMs must be shorter than leaseMs, or a slow send could be sent twice');

  let running = false;
  let timer: NodeJS.Timeout | undefined;
  /** The claim loop in progress; there is at most one. */
  let pass: Promise<void> | undefined;
  let passRequested = false;
  /** A pass stopped because every slot was busy: a finishing send starts the next one. */
  let saturated = false;
  const inFlight = new Set<Promise<void>>();
  let claimsFailing = false;

  async function message(mail: QueuedMail): Promise<MailMessage> {
    let params = mail.params;
    if (typeof params.sealedCode === 'string' && options.unseal) {
      const { sealedCode, ...rest } = params;
      params = { ...rest, code: options.unseal(sealedCode) };
    }
    if (params.tenantName === undefined && options.tenants) {
      const tenant = await options.tenants.findById(mail.tenantId);
      if (tenant) params = { ...params, tenantName: tenant.displayName };
    }
    const rendered = renderMail({ template: mail.template, locale: mail.locale, to: mail.to, params });
    const otp = rendered.code !== undefined && otpOrigin ? { otp: { code: rendered.code, origin: otpOrigin } } : {};
    return { to: mail.to, from: options.from, subject: rendered.subject, text: rendered.text, html: rendered.html, ...otp };
  }

  async function send(outgoing: MailMessage): Promise<void> {
    // Why both a signal and a race: the signal lets the transport drop the connection; the race
    // bounds the send even for a transport that ignores the signal.
    const controller = new AbortController();
    let expire: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_resolve, reject) => {
      expire = setTimeout(() => {
        const error = new Error(`send took longer than ${sendTimeoutMs} ms`);
        error.name = 'TimeoutError';
        controller.abort(error);
        reject(error);
      }, sendTimeoutMs);
    });
    try {
      await Promise.race([transport.send(outgoing, { signal: controller.signal }), deadline]);
    } finally {
      clearTimeout(expire);
    }
  }

  async function recordFailure(mail: QueuedMail, error: unknown, permanent: boolean): Promise<void> {
    const attempt = mail.attempts + 1;
    const details = { mailId: mail.id, tenantId: mail.tenantId, template: mail.template, attempt, error: describe(error) };
    let retryAt = PARKED_DUE_AT;
    if (permanent) {
      logger.error(details, 'outbox mail cannot be rendered; parked in the outbox, not retried');
    } else if (attempt >= retry.maxAttempts) {
      logger.error(details, `outbox mail failed ${attempt} times; parked in the outbox, not retried`);
    } else {
      const retryInMs = backoffDelay(attempt, retry, random);
      retryAt = clock.now() + retryInMs;
      logger.warn({ ...details, retryInMs }, 'outbox mail delivery failed; will retry');
    }
    try {
      // A parked mail is dead: its parameters (a passcode) are erased, the row stays for the operator.
      if (retryAt === PARKED_DUE_AT) await outbox.markDead(mail.id, describe(error));
      else await outbox.markFailed(mail.id, describe(error), retryAt);
    } catch (storeError) {
      logger.error({ mailId: mail.id, error: describe(storeError) }, 'could not record a failed mail attempt; it is retried when its lease ends');
    }
  }

  async function deliver(mail: QueuedMail): Promise<void> {
    let outgoing: MailMessage;
    try {
      outgoing = await message(mail);
    } catch (error) {
      return recordFailure(mail, error, error instanceof MailRenderError);
    }
    try {
      await send(outgoing);
    } catch (error) {
      return recordFailure(mail, error, false);
    }
    try {
      await outbox.markSent(mail.id, clock.now());
      logger.debug({ mailId: mail.id, template: mail.template, attempt: mail.attempts + 1 }, 'outbox mail sent');
    } catch (error) {
      logger.error({ mailId: mail.id, error: describe(error) }, 'mail sent but not recorded as sent; it will be sent again when its lease ends');
    }
  }

  function track(mail: QueuedMail): void {
    const delivery = deliver(mail).finally(() => {
      inFlight.delete(delivery);
      if (saturated) {
        saturated = false;
        nudge();
      }
    });
    inFlight.add(delivery);
  }

  /** Claims due mail into the free slots until no more is due or every slot is busy. */
  async function claimLoop(): Promise<number> {
    let claimed = 0;
    for (;;) {
      const free = concurrency - inFlight.size;
      if (free <= 0) {
        saturated = true;
        return claimed;
      }
      const mails = await outbox.claimDue(clock.now(), free, leaseMs);
      // Claimed mails are delivered even if stop() came meanwhile: they are leased to us now.
      for (const mail of mails) track(mail);
      claimed += mails.length;
      if (mails.length < free) return claimed;
    }
  }

  function schedulePoll(): void {
    clearTimeout(timer);
    if (!running) return;
    timer = setTimeout(nudge, pollIntervalMs);
    timer.unref();
  }

  function nudge(): void {
    if (!running) return;
    if (pass) {
      passRequested = true;
      return;
    }
    pass = claimLoop()
      .then(() => {
        if (claimsFailing) logger.warn({}, 'outbox mail can be claimed again');
        claimsFailing = false;
      })
      .catch((error: unknown) => {
        // Once per outage, not twice a second while the database is away.
        if (!claimsFailing) logger.warn({ error: describe(error) }, 'could not claim outbox mail; retrying at every poll');
        claimsFailing = true;
      })
      .finally(() => {
        pass = undefined;
        if (passRequested && running) {
          passRequested = false;
          nudge();
        } else {
          schedulePoll();
        }
      });
  }

  async function settle(): Promise<void> {
    while (pass || inFlight.size > 0) {
      await pass;
      await Promise.allSettled([...inFlight]);
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      nudge();
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      await settle();
    },
    nudge,
    async drain() {
      await settle();
      while ((await claimLoop()) > 0 || inFlight.size > 0) await settle();
    },
  };
}
