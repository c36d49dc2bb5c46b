import nodemailer from 'nodemailer';
import type { MailTransport } from '../transport.ts';

export interface SmtpTransportOptions {
  /** `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://…:465` (TLS from the start). */
  url: string;
  /** Open connections at most; the outbox worker's concurrency should not exceed it. */
  maxConnections?: number;
}

// Why these timeouts: nodemailer's defaults (2 min to connect, 10 min of socket silence) would
// hold a passcode mail far longer than its lifetime. A dead server should fail the attempt fast
// so the outbox retries it; the worker's per-send deadline bounds the whole exchange on top.
const TIMEOUTS = {
  connectionTimeout: 10_000,
  greetingTimeout: 10_000,
  socketTimeout: 30_000,
  dnsTimeout: 10_000,
  socketCloseTimeout: 2_000,
} as const;

/** Delivers through an SMTP relay over a small pool of reused connections. */
export function createSmtpTransport(options: SmtpTransportOptions): MailTransport {
  const transporter = nodemailer.createTransport({
    pool: true,
    url: options.url,
    maxConnections: options.maxConnections ?? 5,
    maxMessages: 100,
    ...TIMEOUTS,
  });
  return {
    async send(message, sendOptions) {
      await transporter.sendMail({
        from: message.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        ...(message.otp ? { otp: message.otp } : {}),
        ...(sendOptions?.signal ? { signal: sendOptions.signal } : {}),
        // We never attach anything: refuse to read files or fetch URLs named in a message.
        disableFileAccess: true,
        disableUrlAccess: true,
      });
    },
    async close() {
      // A connection in the middle of a delivery finishes it before the pool closes it.
      transporter.close();
    },
  };
}
