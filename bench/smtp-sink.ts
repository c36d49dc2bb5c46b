import { type AddressInfo, createServer } from 'node:net';
import { SMTPServer } from 'smtp-server';

/**
 * The bench's SMTP server, in this process, on 127.0.0.1: it notes when each mail's DATA ends
 * (the final "." that hands the mail to the relay) per recipient and throws the mail away.
 * Unlike test/fixtures/smtp.ts it parses nothing, so it costs the shared cores next to nothing.
 */
export interface SmtpSink {
  url: string;
  /** performance.now() at the end of DATA of the first mail to `to`, once it has arrived. */
  arrivals: Map<string, number>;
  /** Resolves when a mail to `to` has arrived (now, or later), or with undefined after `timeoutMs`. */
  waitFor(to: string, timeoutMs: number): Promise<number | undefined>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const arrivals = new Map<string, number>();
  const waiters = new Map<string, (at: number) => void>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    closeTimeout: 10,
    onData(stream, session, callback) {
      stream.on('data', () => {});
      stream.on('end', () => {
        const at = performance.now();
        for (const rcpt of session.envelope.rcptTo) {
          const to = rcpt.address.toLowerCase();
          if (!arrivals.has(to)) arrivals.set(to, at);
          waiters.get(to)?.(at);
          waiters.delete(to);
        }
        callback();
      });
    },
  });
  server.on('error', () => {});
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${port}`,
    arrivals,
    waitFor(to, timeoutMs) {
      const address = to.toLowerCase();
      const already = arrivals.get(address);
      if (already !== undefined) return Promise.resolve(already);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiters.delete(address);
          resolve(undefined);
        }, timeoutMs);
        waiters.set(address, (at) => {
          clearTimeout(timer);
          resolve(at);
        });
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
