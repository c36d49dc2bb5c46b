import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, it } from 'node:test';
import * as client from 'openid-client';
import type { FlowId } from '../../src/core/ids.ts';
import { openDatabase } from '../../src/store/dialects.ts';
import { installation, until } from '../fixtures/child-server.ts';
import { Journey, codeIn, nthMail } from '../fixtures/journey.ts';
import { dialects } from '../fixtures/server.ts';
import { startTestMailbox } from '../fixtures/smtp.ts';
import { createTestTenant } from '../fixtures/tenants.ts';
import { EMAIL, NEW_PASSWORD, actionOf, kidOf, requestReset, signIn } from './support.ts';

/**
 * J1, J7 and J10 (SECURITY-CHECKLIST) and the reset issue's crash case, against real
 * `latchkey serve` processes. SIGKILL runs no shutdown hook, so only what was committed survives;
 * SIGTERM must let the request in flight finish and exit 0.
 */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const dialect of dialects()) {
  describe(`process death (J1, J7, J10, ${dialect})`, () => {
    it('a reset survives SIGKILL while its code mail is still queued, and right after the new password is acknowledged; keys and sessions survive too', async (t) => {
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

      // SMTP is down, so the code is committed (flow, passcode, outbox) but its mail cannot leave before the kill.
      await mailbox.stop();
      const { journey, page } = await Journey.begin(server, tt);
      const codePage = await requestReset(journey, page, EMAIL);
      assert.match(codePage.html, /Enter code/);
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
      assert.equal((await child.kill('SIGKILL')).signal, 'SIGKILL');
      await mailbox.start();
      child = await inst.start();
      const code = codeIn(await nthMail(mailbox, EMAIL, 0, 15_000));

      // J7: the signing key and the earlier session's refresh token outlive the process.
      const jwks = (await (await fetch(`${inst.baseUrl}/${tt.tenant.name}/discovery/v2.0/keys`)).json()) as { keys: { kid?: string }[] };
      assert.ok(
        jwks.keys.some((k) => k.kid === kid),
        'the old kid is still published',
      );
      const refreshed = await client.refreshTokenGrant(earlier.journey.config, earlierTokens.refresh_token ?? '');
      assert.ok(refreshed.access_token);
      if (refreshed.id_token) assert.equal(kidOf(refreshed.id_token), kid, 'signed with the same key');

      // The reset goes on where it stopped: the code mailed after the restart is the flow's code.
      const newPasswordPage = await journey.submit(codePage, '/reset/code', { code });
      assert.match(newPasswordPage.html, /New password/);
      const url = actionOf(server, newPasswordPage, '/reset/password');
      const acknowledged = await journey.browser.post(url, {
        flow: newPasswordPage.flow,
        csrf: newPasswordPage.csrf,
        password: NEW_PASSWORD,
        confirm: NEW_PASSWORD,
      });
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
    });

    it('SIGTERM during a sign-in POST: the request completes, new connections are refused, the exit code is 0', async (t) => {
      const inst = await installation(t, { dialect });
      const tt = await createTestTenant(inst.asTestServer);
      const child = await inst.start();
      const { journey, page } = await Journey.begin(inst.asTestServer, tt);
      const passwordPage = await journey.submit(page, '/email', { email: EMAIL });

      // The sign-in POST, sent in two halves: the server has the headers and half the body when SIGTERM comes.
      const url = new URL(actionOf(inst.asTestServer, passwordPage, '/password'));
      const body = new URLSearchParams({ flow: passwordPage.flow, csrf: passwordPage.csrf, password: tt.password }).toString();
      const half = Math.floor(body.length / 2);
      const inFlight = request({
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: {
          cookie: journey.browser.cookieHeader(),
          accept: 'text/html',
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
        },
      });
      const answer = new Promise<{ status: number; location: string }>((resolve, reject) => {
        inFlight.on('response', (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location ?? '' }));
        });
        inFlight.on('error', reject);
      });
      inFlight.write(body.slice(0, half));
      await sleep(300);

      const exit = child.kill('SIGTERM');
      await sleep(300);
      assert.ok(child.alive(), 'the process waits for the request in flight');
      const newcomer = await fetch(`${inst.baseUrl}/health`).then(
        (r) => r.status,
        () => 'refused',
      );
      assert.ok(newcomer === 'refused' || newcomer === 503, `a new request is refused, not ${newcomer}`);

      inFlight.end(body.slice(half));
      const { status, location } = await answer;
      assert.equal(status, 303, 'the in-flight sign-in completed');
      assert.deepEqual(await exit, { code: 0, signal: null });

      // Its writes are complete: the sign-in is committed, with its sign-in log entry.
      const { store } = inst.services.deps;
      assert.equal((await store.flows.find(passwordPage.flow as FlowId))?.state, 'completed');
      const log = await store.signInLog.list(tt.tenant.id, 5);
      assert.equal(log[0]?.outcome, 'success');
      assert.ok(location.endsWith(`?flow=${encodeURIComponent(passwordPage.flow)}`), `the answer points at the completed flow: ${location}`);
    });
  });
}
