import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startLatchkey } from '../../src/app.ts';
import { ConfigError, loadConfig } from '../../src/config.ts';
import type { TenantId } from '../../src/core/ids.ts';
import { dialects, startTestServer } from '../fixtures/server.ts';
import { startTestMailbox } from '../fixtures/smtp.ts';
import { createTestTenant } from '../fixtures/tenants.ts';
import { closeServer, eventually, passcodeMail, recipient } from './support.ts';

for (const dialect of dialects()) {
  describe(`mail in the running server (${dialect})`, () => {
    it('without SMTP, lists mails at /dev/mailbox (newest first, escaped) and /dev/mailbox.json', async (t) => {
      const server = await startTestServer({ dialect });
      t.after(() => closeServer(server));
      const { latchkey } = server;
      assert.ok(latchkey.mail.devMailbox, 'development without SMTP uses the dev mailbox');
      const older = passcodeMail({ now: Date.now(), to: recipient('older'), params: { tenantName: 'Fabrikam', code: '11112222', lifetimeMinutes: 10 } });
      const newer = passcodeMail({ now: Date.now(), to: recipient('newer'), params: { tenantName: '<b>Contoso</b>', code: '33334444', lifetimeMinutes: 10 } });
      await latchkey.services.deps.store.outbox.enqueue(older);
      latchkey.mail.nudge();
      await eventually(() => latchkey.mail.devMailbox?.list().length === 1);
      await latchkey.services.deps.store.outbox.enqueue(newer);
      latchkey.mail.nudge();
      await eventually(() => latchkey.mail.devMailbox?.list().length === 2);

      const page = await fetch(`${server.baseUrl}/dev/mailbox`);
      assert.equal(page.status, 200);
      assert.equal(page.headers.get('cache-control'), 'no-store');
      const html = await page.text();
      assert.ok(html.includes('33334444 is your &lt;b&gt;Contoso&lt;/b&gt; sign-in code'), 'subject shown, escaped');
      assert.ok(!html.includes('<b>Contoso</b>'), 'no markup from a mail reaches the page');
      assert.ok(html.includes(newer.to) && html.includes(older.to));
      assert.ok(html.indexOf(newer.to) < html.indexOf(older.to), 'newest first');
      assert.match(html, /<pre>[^<]*33334444/, 'the text body, in a <pre>');

      const json = (await (await fetch(`${server.baseUrl}/dev/mailbox.json`)).json()) as {
        mails: { to: string; subject: string; text: string; sentAt: string }[];
      };
      assert.deepEqual(
        json.mails.map((m) => m.to),
        [newer.to, older.to],
      );
      assert.equal(json.mails[1]?.subject, '11112222 is your Fabrikam sign-in code');
      assert.ok(!Number.isNaN(Date.parse(json.mails[0]?.sentAt ?? '')));
    });

    it('with SMTP configured, has no /dev/mailbox and delivers a passcode issued by the core within a second', async (t) => {
      const smtp = await startTestMailbox();
      t.after(() => smtp.stop());
      const server = await startTestServer({ dialect, env: { LATCHKEY_SMTP_URL: smtp.url, LATCHKEY_SMTP_FROM: 'Latchkey <no-reply@latchkey.example>' } });
      t.after(() => closeServer(server));
      const { latchkey } = server;
      assert.equal(latchkey.mail.devMailbox, undefined);
      assert.equal((await fetch(`${server.baseUrl}/dev/mailbox`)).status, 404);
      assert.equal((await fetch(`${server.baseUrl}/dev/mailbox.json`)).status, 404);

      const tt = await createTestTenant(server);
      const flow = await latchkey.services.passwordReset.start({
        tenant: tt.tenant,
        interactionUid: 'uid-1',
        appId: tt.app.id,
        email: tt.user.email,
        locale: 'fr-CA',
        ip: null,
      });
      // The reset committed the code and its mail; the nudge stands in for the after-commit hook.
      const committedAt = performance.now();
      latchkey.mail.nudge();
      const received = await smtp.waitFor(tt.user.email, { timeoutMs: 5_000 });
      const latencyMs = performance.now() - committedAt;
      assert.ok(latencyMs < 1_000, `reached SMTP ${Math.round(latencyMs)} ms after the commit`);
      const code = /^(\d+) est votre code de réinitialisation du mot de passe /.exec(received.subject)?.[1];
      assert.ok(code, `a French reset code in the subject: ${received.subject}`);
      assert.equal(received.parsed.from?.value[0]?.address, 'no-reply@latchkey.example');
      assert.deepEqual(received.otp, { code, origin: server.baseUrl });

      const next = await latchkey.services.passwordReset.submitCode(tt.tenant, flow, code, null);
      assert.equal(next.state, 'awaiting_new_password', 'the mailed code is the flow code');
      await eventually(async () => (await latchkey.services.deps.store.outbox.pendingCount()) === 0);
    });

    it('closes promptly during an SMTP outage, keeping the undelivered mail for the next start', async (t) => {
      const smtp = await startTestMailbox();
      t.after(() => smtp.stop());
      await smtp.stop();
      const first = await startTestServer({ dialect, env: { LATCHKEY_SMTP_URL: smtp.url } });
      t.after(() => closeServer(first));
      const mail = passcodeMail({ now: Date.now(), tenantId: 'tenant-x' as TenantId });
      await first.latchkey.services.deps.store.outbox.enqueue(mail);
      first.latchkey.mail.nudge();
      await new Promise((resolve) => setTimeout(resolve, 200));
      const closing = performance.now();
      await first.latchkey.close();
      assert.ok(performance.now() - closing < 2_000, 'close() does not wait out the outage');
      const next = await startLatchkey(loadConfig(first.env), { print: () => {} });
      try {
        assert.equal(await next.services.deps.store.outbox.pendingCount(), 1);
      } finally {
        await next.close();
      }
    });
  });
}

describe('mail configuration', () => {
  it('refuses to start in production without SMTP, naming the setting', async (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'latchkey-prod-'));
    t.after(() => rmSync(dataDir, { recursive: true, force: true }));
    const config = loadConfig({
      NODE_ENV: 'production',
      LATCHKEY_DATA_DIR: dataDir,
      LATCHKEY_DATABASE_URL: `sqlite:${join(dataDir, 'db.sqlite')}`,
      LATCHKEY_SECRET: 'x'.repeat(32),
      LOG_LEVEL: 'silent',
    });
    await assert.rejects(
      startLatchkey(config, { print: () => {} }),
      (error: unknown) => error instanceof ConfigError && /LATCHKEY_SMTP_URL/.test(error.message),
    );
  });
});
