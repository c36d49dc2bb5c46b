import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MailLocales } from '../../src/mail/templates/catalog.ts';
import { PARKED_DUE_AT, createOutboxWorker } from '../../src/mail/outbox-worker.ts';
import { createSmtpTransport } from '../../src/mail/transports/smtp.ts';
import { systemClock } from '../../src/system.ts';
import { dialects } from '../fixtures/server.ts';
import { startTestMailbox } from '../fixtures/smtp.ts';
import { captureLogger, eventually, outboxDatabase, passcodeMail, recipient } from './support.ts';

const FROM = 'Contoso <no-reply@contoso.example>';

for (const dialect of dialects()) {
  describe(`outbox delivery over SMTP (${dialect})`, () => {
    async function setup(t: { after(fn: () => Promise<void>): void }, options: { pollIntervalMs?: number } = {}) {
      const smtp = await startTestMailbox();
      const db = await outboxDatabase(dialect);
      const transport = createSmtpTransport({ url: smtp.url });
      const logger = captureLogger();
      const worker = createOutboxWorker({
        outbox: db.store.outbox,
        clock: systemClock,
        transport,
        from: FROM,
        logger,
        otpOrigin: 'http://127.0.0.1:3000',
        pollIntervalMs: options.pollIntervalMs ?? 50,
      });
      t.after(async () => {
        await worker.stop();
        await transport.close?.();
        await smtp.stop();
        await db.close();
      });
      return { smtp, db, worker, logger };
    }

    it('delivers a passcode mail in its language, with the code in the subject and an OTP-Token header', async (t) => {
      const { smtp, db, worker } = await setup(t);
      worker.start();
      const expected = {
        en: 'is your Contoso sign-in code',
        fr: 'est votre code de connexion Contoso',
        de: 'ist Ihr Anmeldecode für Contoso',
        es: 'es tu código de inicio de sesión de Contoso',
      };
      const mails = MailLocales.map((locale) => passcodeMail({ now: systemClock.now(), locale, to: recipient(locale) }));
      for (const mail of mails) await db.store.outbox.enqueue(mail);
      worker.nudge();
      for (const mail of mails) {
        const received = await smtp.waitFor(mail.to);
        assert.equal(received.subject, `12345678 ${expected[mail.locale as keyof typeof expected]}`);
        assert.match(received.text, /^ {4}12345678$/m);
        assert.match(received.html, />12345678<\/p>/);
        assert.match(received.html, new RegExp(`lang="${mail.locale}"`));
        assert.equal(received.parsed.from?.text, '"Contoso" <no-reply@contoso.example>');
        assert.deepEqual(received.otp, { code: '12345678', origin: 'http://127.0.0.1:3000' });
      }
    });

    it('escapes a hostile tenant name in the HTML part', async (t) => {
      const { smtp, db, worker } = await setup(t);
      worker.start();
      const mail = passcodeMail({ now: systemClock.now(), params: { tenantName: '<script>alert(1)</script>', code: '55554444', lifetimeMinutes: 5 } });
      await db.store.outbox.enqueue(mail);
      worker.nudge();
      const received = await smtp.waitFor(mail.to);
      assert.ok(!received.html.includes('<script>'), 'no live script tag');
      assert.ok(received.html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
      assert.equal(received.subject, '55554444 is your <script>alert(1)</script> sign-in code', 'the subject is text, not markup');
    });

    it('delivers well within a second of a nudge, without waiting for the poll', async (t) => {
      const { smtp, db, worker } = await setup(t, { pollIntervalMs: 60_000 });
      worker.start();
      await new Promise((resolve) => setTimeout(resolve, 50)); // the first poll has run and found nothing
      const mail = passcodeMail({ now: systemClock.now() });
      await db.store.outbox.enqueue(mail);
      const startedAt = performance.now();
      worker.nudge();
      await smtp.waitFor(mail.to, { timeoutMs: 1_000 });
      assert.ok(performance.now() - startedAt < 1_000);
    });

    it('erases the parameters (and so the code) once the mail is sent', async (t) => {
      const { smtp, db, worker } = await setup(t);
      worker.start();
      const mail = passcodeMail({ now: systemClock.now(), params: { tenantName: 'Contoso', code: '90817263', lifetimeMinutes: 10 } });
      await db.store.outbox.enqueue(mail);
      assert.match((await db.row(mail.id))?.params ?? '', /90817263/, 'the code is in the outbox until delivery');
      worker.nudge();
      await smtp.waitFor(mail.to);
      await eventually(async () => (await db.row(mail.id))?.sent_at != null);
      const row = await db.row(mail.id);
      assert.equal(row?.params, '{}');
      assert.ok(!JSON.stringify(row).includes('90817263'), 'the code is nowhere in the row');
      assert.equal(await db.store.outbox.pendingCount(), 0);
    });

    it('parks a mail that cannot be rendered, with an error log, instead of retrying it', async (t) => {
      const { smtp, db, worker, logger } = await setup(t);
      const mail = passcodeMail({ now: systemClock.now(), params: { code: '12345678' } });
      await db.store.outbox.enqueue(mail);
      await worker.drain();
      const row = await db.row(mail.id);
      assert.equal(Number(row?.due_at), PARKED_DUE_AT);
      assert.equal(Number(row?.attempts), 1);
      assert.match(row?.last_error ?? '', /MailRenderError: .*tenantName/);
      assert.equal(logger.entries.filter((e) => e.level === 'error').length, 1);
      assert.equal(smtp.countFor(mail.to), 0);
      assert.equal(await db.store.outbox.pendingCount(), 1, 'a parked mail is still pending, never silently dropped');
    });

    it('never logs a parameter or the code', async (t) => {
      const { smtp, db, worker, logger } = await setup(t);
      const mail = passcodeMail({ now: systemClock.now(), params: { tenantName: 'Contoso', code: '31415926', lifetimeMinutes: 10 } });
      await db.store.outbox.enqueue(mail);
      await smtp.stop();
      await worker.drain();
      await smtp.start();
      assert.ok(logger.entries.length > 0);
      assert.ok(!JSON.stringify(logger.entries).includes('31415926'));
    });
  });
}
