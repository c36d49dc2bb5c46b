import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PARKED_DUE_AT, backoffDelay, createOutboxWorker } from '../../src/mail/outbox-worker.ts';
import type { OutboxStore } from '../../src/core/ports.ts';
import type { MailTransport } from '../../src/mail/transport.ts';
import { createSmtpTransport } from '../../src/mail/transports/smtp.ts';
import { systemClock } from '../../src/system.ts';
import { dialects } from '../fixtures/server.ts';
import { startTestMailbox } from '../fixtures/smtp.ts';
import { captureLogger, eventually, outboxDatabase, passcodeMail } from './support.ts';

const policy = { baseMs: 2_000, maxMs: 300_000, maxAttempts: 20, jitter: 0.2 };

describe('retry backoff', () => {
  it('doubles from 2 s and is capped at 5 min', () => {
    const middle = () => 0.5;
    assert.deepEqual(
      [1, 2, 3, 4, 8, 9, 19].map((attempt) => backoffDelay(attempt, policy, middle)),
      [2_000, 4_000, 8_000, 16_000, 256_000, 300_000, 300_000],
    );
  });

  it('spreads each delay by the jitter, never past the cap', () => {
    assert.equal(
      backoffDelay(1, policy, () => 0),
      1_600,
    );
    assert.equal(
      backoffDelay(1, policy, () => 0.999999),
      2_400,
    );
    assert.equal(
      backoffDelay(12, policy, () => 0.999999),
      300_000,
    );
    assert.equal(
      backoffDelay(12, policy, () => 0),
      240_000,
    );
  });
});

for (const dialect of dialects()) {
  describe(`outbox retries (${dialect})`, () => {
    it('survives an SMTP outage: the failed attempt is recorded, retried, and the mail arrives once SMTP is back', async (t) => {
      const smtp = await startTestMailbox();
      const db = await outboxDatabase(dialect);
      const transport = createSmtpTransport({ url: smtp.url });
      const logger = captureLogger();
      const worker = createOutboxWorker({
        outbox: db.store.outbox,
        clock: systemClock,
        transport,
        from: 'no-reply@contoso.example',
        logger,
        pollIntervalMs: 20,
        retry: { baseMs: 100, maxMs: 200 },
      });
      t.after(async () => {
        await worker.stop();
        await transport.close?.();
        await smtp.stop();
        await db.close();
      });

      await smtp.stop();
      worker.start();
      const mail = passcodeMail({ now: systemClock.now() });
      await db.store.outbox.enqueue(mail);
      worker.nudge();

      const failure = await logger.waitFor((e) => e.level === 'warn' && e.details.mailId === mail.id);
      assert.equal(failure.message, 'outbox mail delivery failed; will retry');
      assert.equal(failure.details.attempt, 1);
      assert.match(String(failure.details.error), /ECONNREFUSED/);
      const retryInMs = Number(failure.details.retryInMs);
      assert.ok(retryInMs >= 80 && retryInMs <= 200, `retry scheduled with backoff (${retryInMs} ms)`);
      // The log line comes just before the attempt is recorded.
      await eventually(async () => Number((await db.row(mail.id))?.attempts) >= 1);
      const row = await db.row(mail.id);
      assert.match(row?.last_error ?? '', /ECONNREFUSED/);
      assert.equal(row?.sent_at, null);

      await smtp.start();
      const received = await smtp.waitFor(mail.to, { timeoutMs: 3_000 });
      assert.equal(received.subject, '12345678 is your Contoso sign-in code');
      await worker.stop();
      assert.equal(smtp.countFor(mail.to), 1);
      assert.equal(await db.store.outbox.pendingCount(), 0);
    });

    it('parks a mail after the last allowed attempt and logs an error, keeping it in the outbox', async (t) => {
      const db = await outboxDatabase(dialect);
      t.after(() => db.close());
      let now = 1_000_000;
      let sends = 0;
      const refusing: MailTransport = {
        async send() {
          sends += 1;
          throw new Error('451 try again later');
        },
      };
      const logger = captureLogger();
      const worker = createOutboxWorker({
        outbox: db.store.outbox,
        clock: { now: () => now },
        transport: refusing,
        from: 'no-reply@contoso.example',
        logger,
        retry: { maxAttempts: 3 },
      });
      const mail = passcodeMail({ now });
      await db.store.outbox.enqueue(mail);
      for (let step = 0; step < 5; step += 1) {
        await worker.drain();
        now += 10 * 60_000; // past any backoff
      }
      assert.equal(sends, 3);
      const row = await db.row(mail.id);
      assert.equal(Number(row?.attempts), 3);
      assert.equal(Number(row?.due_at), PARKED_DUE_AT);
      assert.match(row?.last_error ?? '', /451 try again later/);
      assert.deepEqual(
        logger.entries.map((e) => e.level),
        ['warn', 'warn', 'error'],
      );
      assert.match(logger.entries[2]?.message ?? '', /failed 3 times; parked/);
      assert.equal(await db.store.outbox.pendingCount(), 1);
    });

    it('keeps polling while the database is unreachable, logging the outage once, and delivers once it is back', async (t) => {
      const db = await outboxDatabase(dialect);
      t.after(() => db.close());
      let failuresLeft = 5;
      const flaky: OutboxStore = {
        ...db.store.outbox,
        async claimDue(now, limit, leaseMs) {
          if (failuresLeft > 0) {
            failuresLeft -= 1;
            throw new Error('connection refused');
          }
          return db.store.outbox.claimDue(now, limit, leaseMs);
        },
      };
      const sent: string[] = [];
      const transport: MailTransport = {
        async send(message) {
          sent.push(message.to);
        },
      };
      const logger = captureLogger();
      const worker = createOutboxWorker({ outbox: flaky, clock: systemClock, transport, from: 'x@contoso.example', logger, pollIntervalMs: 10 });
      const mail = passcodeMail({ now: systemClock.now() });
      await db.store.outbox.enqueue(mail);
      worker.start();
      t.after(() => worker.stop());
      await eventually(() => sent.length === 1);
      assert.deepEqual(sent, [mail.to]);
      assert.deepEqual(
        logger.entries.filter((e) => e.level === 'warn').map((e) => e.message),
        ['could not claim outbox mail; retrying at every poll', 'outbox mail can be claimed again'],
      );
    });

    it('gives up on a send that hangs and retries it, so a stalled server cannot hold a mail past its lease', async (t) => {
      const db = await outboxDatabase(dialect);
      t.after(() => db.close());
      let aborted = false;
      const stalling: MailTransport = {
        send: (_message, options) =>
          new Promise(() => {
            options?.signal?.addEventListener('abort', () => {
              aborted = true;
            });
          }),
      };
      const logger = captureLogger();
      const worker = createOutboxWorker({
        outbox: db.store.outbox,
        clock: systemClock,
        transport: stalling,
        from: 'x@contoso.example',
        logger,
        sendTimeoutMs: 100,
      });
      const mail = passcodeMail({ now: systemClock.now() });
      await db.store.outbox.enqueue(mail);
      await worker.drain();
      assert.ok(aborted, 'the transport was told to drop the send');
      assert.match(String(logger.entries[0]?.details.error), /TimeoutError: send took longer than 100 ms/);
      const row = await db.row(mail.id);
      assert.equal(Number(row?.attempts), 1);
      assert.ok(Number(row?.due_at) < systemClock.now() + 3_000, 'due again after the first backoff');
    });
  });
}
