import type { Clock, OutboxStore, TenantStore } from '../core/ports.ts';
import { type OutboxWorker, type OutboxWorkerLogger, type OutboxWorkerOptions, createOutboxWorker } from './outbox-worker.ts';
import type { MailTransport } from './transport.ts';
import { type DevMailbox, createDevMailbox } from './transports/dev-mailbox.ts';
import { createSmtpTransport } from './transports/smtp.ts';

export interface MailDeliveryOptions {
  /** SMTP relay; without one, mail goes to the in-memory dev mailbox (development only). */
  smtpUrl: string | undefined;
  from: string;
  /** The server's public origin, for the OTP-Token header of passcode mails. */
  otpOrigin: string;
  outbox: OutboxStore;
  /** Opens parameters the core sealed (the passcode). */
  unseal: (sealed: string) => string;
  tenants: Pick<TenantStore, 'findById'>;
  clock: Clock;
  logger: OutboxWorkerLogger;
  /** Where the dev mailbox prints its one line per mail. */
  print: (line: string) => void;
  /** Worker tuning (tests shorten the backoff). */
  worker?: Partial<Pick<OutboxWorkerOptions, 'pollIntervalMs' | 'leaseMs' | 'sendTimeoutMs' | 'concurrency' | 'retry'>>;
}

/** The mail side of a running server: the transport, and the worker that feeds it from the outbox. */
export interface MailDelivery {
  worker: OutboxWorker;
  /** Present when mail goes to the dev mailbox instead of SMTP. */
  devMailbox?: DevMailbox;
  /** Delivers due mail now; call after committing a transaction that enqueued mail. */
  nudge(): void;
  /** Stops the worker (waiting for sends in flight), then the transport. */
  close(): Promise<void>;
}

function chooseTransport(options: MailDeliveryOptions, concurrency: number): { transport: MailTransport; devMailbox?: DevMailbox } {
  // One SMTP connection per concurrent send, so no send waits in the pool's queue.
  if (options.smtpUrl) return { transport: createSmtpTransport({ url: options.smtpUrl, maxConnections: concurrency }) };
  const devMailbox = createDevMailbox({ clock: options.clock, notify: options.print });
  return { transport: devMailbox, devMailbox };
}

/** Picks the transport for the configuration and builds the outbox worker on it (not started). */
export function createMailDelivery(options: MailDeliveryOptions): MailDelivery {
  const concurrency = options.worker?.concurrency ?? 5;
  const { transport, devMailbox } = chooseTransport(options, concurrency);
  const worker = createOutboxWorker({
    outbox: options.outbox,
    unseal: options.unseal,
    clock: options.clock,
    transport,
    from: options.from,
    logger: options.logger,
    tenants: options.tenants,
    otpOrigin: options.otpOrigin,
    ...options.worker,
    concurrency,
  });
  return {
    worker,
    ...(devMailbox ? { devMailbox } : {}),
    nudge: worker.nudge,
    async close() {
      await worker.stop();
      await transport.close?.();
    },
  };
}
