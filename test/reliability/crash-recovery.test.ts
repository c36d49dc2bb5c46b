import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as client from 'openid-client';
import { openDatabase } from '../../src/store/dialects.ts';
import { installation, until } from '../fixtures/child-server.ts';
import { Journey, codeIn, nthMail } from '../fixtures/journey.ts';
import { dialects } from '../fixtures/server.ts';
import { startTestMailbox } from '../fixtures/smtp.ts';
import { createTestTenant } from '../fixtures/tenants.ts';
import { EMAIL, NEW_PASSWORD, actionOf, kidOf, requestReset, signIn } from './support.ts';

/**
 * J1 and J7 (SECURITY-CHECKLIST) and the reset issue's crash case, against real `latchkey serve`
 * processes killed with SIGKILL: no shutdown hook runs, so only what was committed survives.
 */
for (const dialect of dialects()) {
  describe(`crash recovery (J1, J7, ${dialect})`, () => {
    it('a reset survives a SIGKILL between code sent and code entered; keys, sessions and the new password survive SIGKILLs too', async (t) => {
      const mailbox = await startTestMailbox();
      t.after(() => mailbox.stop());
      const inst = await installation(t, { dialect, env: { LATCHKEY_SMTP_URL: mailbox.url } });
      const server = inst.asTestServer;
      const tt = await createTestTenant(server);
      let child = await inst.start();

      const earlier = await Journey.begin(server, tt);
      const earlierTokens = await earlier.journey.tokens(await signIn(earlier.journey, earlier.page, EMAIL, tt.password));
      const kid = kidOf(earlierTokens.id_token);
      assert.ok(kid);
      const { journey, page } = await Journey.begin(server, tt);
      const codePage = await requestReset(journey, page, EMAIL);
      const code = codeIn(await nthMail(mailbox, EMAIL, 0));

      assert.equal((await child.kill('SIGKILL')).signal, 'SIGKILL');
      child = await inst.start();

      // J7: the signing key and the earlier session's refresh token outlive the process.
      const jwks = (await (await fetch(`${inst.baseUrl}/${tt.tenant.name}/discovery/v2.0/keys`)).json()) as { keys: { kid?: string }[] };
      assert.ok(
        jwks.keys.some((k) => k.kid === kid),
        'the old kid is still published',
      );
      const refreshed = await client.refreshTokenGrant(earlier.journey.config, earlierTokens.refresh_token ?? '');
      assert.ok(refreshed.access_token);
      if (refreshed.id_token) assert.equal(kidOf(refreshed.id_token), kid, 'signed with the same key');

      // The reset goes on where it stopped: the mailed code is still the flow's code.
      const newPasswordPage = await journey.submit(codePage, '/reset/code', { code });
      assert.match(newPasswordPage.html, /New password/);
      const url = actionOf(server, newPasswordPage, '/reset/password');
      const acknowledged = await journey.browser.post(url, { flow: newPasswordPage.flow, csrf: newPasswordPage.csrf, password: NEW_PASSWORD, confirm: NEW_PASSWORD });
      assert.equal(acknowledged.status, 303);

      // J1: killed right after the acknowledgement, the change is there after the restart.
      await child.kill('SIGKILL');
      child = await inst.start();
      const landed = await journey.open(new URL(acknowledged.headers.get('location') ?? '', url).href);
      const tokens = await journey.tokens(landed);
      assert.equal(tokens.claims()?.sub, tt.user.id);
      assert.equal(kidOf(tokens.id_token), kid);

      const later = await Journey.begin(server, tt);
      const signedIn = await later.journey.tokens(await signIn(later.journey, later.page, EMAIL, NEW_PASSWORD));
      assert.equal(signedIn.claims()?.sub, tt.user.id, 'the new password signs in');
      assert.ok(child.alive());
    });

    it('a mail queued but not yet sent when the server is SIGKILLed is delivered after the restart, and its code works', async (t) => {
      const mailbox = await startTestMailbox();
      t.after(() => mailbox.stop());
      const inst = await installation(t, { dialect, env: { LATCHKEY_SMTP_URL: mailbox.url } });
      const tt = await createTestTenant(inst.asTestServer);
      await mailbox.stop(); // SMTP is down, so the mail cannot leave before the kill
      let child = await inst.start();

      const { journey, page } = await Journey.begin(inst.asTestServer, tt);
      const codePage = await requestReset(journey, page, EMAIL);
      // Wait for the worker's failed attempt: the mail is then out of its lease, due for a retry.
      const raw = openDatabase(inst.databaseUrl).db;
      try {
        await until(async () => {
          const rows = await raw.selectFrom('outbox').select(['attempts', 'sent_at']).execute();
          return rows.length === 1 && Number(rows[0]?.attempts) >= 1 && rows[0]?.sent_at === null;
        }, 'a failed delivery attempt to be recorded');
      } finally {
        await raw.destroy();
      }

      await child.kill('SIGKILL');
      await mailbox.start();
      child = await inst.start();
      const mail = await nthMail(mailbox, EMAIL, 0, 15_000);
      const next = await journey.submit(codePage, '/reset/code', { code: codeIn(mail) });
      assert.match(next.html, /New password/);
    });
  });
}
