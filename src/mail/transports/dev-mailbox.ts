import type { Clock } from '../../core/ports.ts';
import type { MailMessage, MailTransport } from '../transport.ts';

/** A mail the dev mailbox kept, with the time it was "sent". */
export interface DevMail extends MailMessage {
  sentAt: number;
}

/** A transport that keeps mail in memory for a developer to read at /dev/mailbox. */
export interface DevMailbox extends MailTransport {
  /** The kept mails, newest first. */
  list(): DevMail[];
  clear(): void;
}

export interface DevMailboxOptions {
  clock: Clock;
  /** How many mails to keep; older ones are forgotten. */
  capacity?: number;
  /** Where the one-line notice per mail goes (the console in development). */
  notify?: (line: string) => void;
}

/**
 * Development-only mail transport: nothing leaves the process. Each mail prints one line with
 * its recipient and subject, and the subject of a passcode mail carries the code, so a developer
 * can sign in without opening anything.
 */
export function createDevMailbox(options: DevMailboxOptions): DevMailbox {
  const capacity = options.capacity ?? 200;
  const notify = options.notify ?? ((line: string) => process.stdout.write(`${line}\n`));
  const kept: DevMail[] = [];
  return {
    async send(message) {
      kept.push({ ...message, sentAt: options.clock.now() });
      if (kept.length > capacity) kept.splice(0, kept.length - capacity);
      notify(`[dev mailbox] to ${message.to}: ${message.subject}`);
    },
    list: () => kept.slice().reverse(),
    clear() {
      kept.length = 0;
    },
  };
}
