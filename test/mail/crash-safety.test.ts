import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createOutboxWorker } from '../../src/mail/outbox-worker.ts';
import type { MailMessage, MailTransport } from '../../src/mail/transport.ts';
import { createSmtpTransport } from '../../src/mail/transports/smtp.ts';
import { systemClock } from '../../src/system.ts';
import { dialects } from '../fixtures/server.ts';
import { type TestMailbox, startTestMailbox } from '../fixtures/smtp.ts';
import { captureLogger, eventually, outboxDatabase, passcodeMail, recipient } from './support.ts';

const FROM = 'no-reply@contoso.example';

for (const dialect of dialects()) {
  describe(`outbox crash safety (${dialect})`, () => {
    async function smtpFixture(t: { after(fn: () => Promise<void>): void }): Promise<{ smtp: TestMailbox; transport: MailTransport }> {
      const smtp = await startTestMailbox();
      const transport = createSmtpTransport({ url: smtp.url });
      t.after(async () => {
        await transport.close?.();
        await smtp.stop();
      });
      return { smtp, transport };
    }

    it('a mail claimed by a node that then crashed is delivered by another node once the 60 s lease ends', async (t) => {
      const { smtp, transport } = await smtpFixture(t);
      const db = await outboxDatabase(dialect);
      t.after(() => db.close());
      const start = systemClock.now();
      const mail = passcodeMail({ now: start });
      await db.store.outbox.enqueue(mail);
      // The crashed node's last act: it leased the mail (as its worker does) and died before sending.
      assert.equal((await db.store.outbox.claimDue(start, 10, 60_000)).length, 1);

      const otherNode = db.openNode();
      const workerAt = (offsetMs: number) =>
        createOutboxWorker({ outbox: otherNode.outbox, clock: { now: () => start + offsetMs }, transport, from: FROM, logger: captureLogger() });
      await workerAt(30_000).drain();
      assert.equal(smtp.countFor(mail.to), 0, 'the lease still holds after 30 s');
      await workerAt(61_000).drain();
      await smtp.waitFor(mail.to);
      assert.equal(smtp.countFor(mail.to), 1);
      assert.equal(await otherNode.outbox.pendingCount(), 0);
    });

    it('a mail enqueued while the worker is stopped is delivered by a new worker on the same database', async (t) => {
      const { smtp, transport } = await smtpFixture(t);
      const db = await outboxDatabase(dialect);
      t.after(() => db.close());
      const first = createOutboxWorker({ outbox: db.store.outbox, clock: systemClock, transport, from: FROM, logger: captureLogger() });
      first.start();
      await first.stop();
      const mail = passcodeMail({ now: systemClock.now() });
      await db.store.outbox.enqueue(mail);
      first.nudge(); // a stopped worker does nothing
      const second = createOutboxWorker({
        outbox: db.openNode().outbox,
        clock: systemClock,
        transport,
        from: FROM,
        logger: captureLogger(),
        pollIntervalMs: 20,
      });
      second.start();
      t.after(() => second.stop());
      await smtp.waitFor(mail.to);
    });

    it('stop() waits for the sends in flight and records them', async (t) => {
      const db = await outboxDatabase(dialect);
      t.after(() => db.close());
      const sent: MailMessage[] = [];
      let release = () => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const slow: MailTransport = {
        async send(message) {
          await gate;
          sent.push(message);
        },
      };
      const worker = createOutboxWorker({ outbox: db.store.outbox, clock: systemClock, transport: slow, from: FROM, logger: captureLogger() });
      const mail = passcodeMail({ now: systemClock.now() });
      await db.store.outbox.enqueue(mail);
      worker.start();
      await eventually(async () => Number((await db.row(mail.id))?.due_at) > mail.createdAt); // claimed
      let stopped = false;
      const stopping = worker.stop().then(() => {
        stopped = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(stopped, false, 'stop() is still waiting for the send');
      release();
      await stopping;
      assert.equal(sent.length, 1);
      assert.notEqual((await db.row(mail.id))?.sent_at, null, 'recorded as sent before stop() resolved');
    });

    it('two workers on one database deliver each mail exactly once', async (t) => {
      const { smtp } = await smtpFixture(t);
      const db = await outboxDatabase(dialect);
      t.after(() => db.close());
      // Two nodes: each its own database connection and SMTP pool.
      const workers = [db.openNode(), db.openNode()].map((node) => {
        const transport = createSmtpTransport({ url: smtp.url, maxConnections: 3 });
        t.after(async () => transport.close?.());
        return createOutboxWorker({
          outbox: node.outbox,
          clock: systemClock,
          transport,
          from: FROM,
          logger: captureLogger(),
          pollIntervalMs: 10,
          concurrency: 3,
        });
      });
      const mails = Array.from({ length: 30 }, (_, i) => passcodeMail({ now: systemClock.now(), to: recipient(`m${i}`) }));
      for (const mail of mails) await db.store.outbox.enqueue(mail);
      for (const worker of workers) worker.start();
      t.after(async () => {
        for (const worker of workers) await worker.stop();
      });
      for (const mail of mails) await smtp.waitFor(mail.to, { timeoutMs: 10_000 });
      for (const worker of workers) await worker.stop();
      assert.deepEqual(
        mails.filter((mail) => smtp.countFor(mail.to) !== 1).map((mail) => mail.to),
        [],
      );
      assert.equal(smtp.received.length, 30);
      assert.equal(await db.store.outbox.pendingCount(), 0);
    });
  });
}
