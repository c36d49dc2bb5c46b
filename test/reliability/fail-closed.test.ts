import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { openDatabase } from '../../src/store/dialects.ts';
import { installation, until } from '../fixtures/child-server.ts';
import { Journey } from '../fixtures/journey.ts';
import { dialects } from '../fixtures/server.ts';
import { createTestTenant } from '../fixtures/tenants.ts';
import { EMAIL, INTERNALS, actionOf, post, signIn } from './support.ts';

/**
 * J9 and J5 (SECURITY-CHECKLIST) against real `latchkey serve` processes: an unexpected error in
 * a route is a generic 500 that is logged and leaves the process serving; a database outage is
 * a refusal, never a signed-in user or a crash, and recovery needs no restart.
 */
for (const dialect of dialects()) {
  describe(`last-resort error handler (J9, ${dialect})`, () => {
    it('an unexpected exception in a route answers a generic 500 page or JSON, is logged, and the process keeps serving', async (t) => {
      const inst = await installation(t, { dialect, env: { LOG_LEVEL: 'error' } });
      const tt = await createTestTenant(inst.asTestServer);
      const child = await inst.start();
      const raw = openDatabase(inst.databaseUrl).db;

      // The fault: the flows table disappears under the running server, so starting a sign-in throws.
      await sql`ALTER TABLE flows RENAME TO flows_away`.execute(raw);
      const { journey, page } = await Journey.begin(inst.asTestServer, tt);
      assert.equal(page.status, 500);
      assert.match(page.html, /Something went wrong on our side/);
      assert.doesNotMatch(page.html, INTERNALS);
      const asJson = await journey.browser.request(page.url, { headers: { accept: 'application/json' } });
      assert.equal(asJson.status, 500);
      const body = await asJson.text();
      assert.deepEqual(JSON.parse(body), { error: { code: 'server_error', message: 'Something went wrong on our side. Try again.' } });

      await until(() => /unhandled error/.test(child.output()), 'the error to be logged');
      assert.match(child.output(), /flows/, 'the log names the cause');

      await sql`ALTER TABLE flows_away RENAME TO flows`.execute(raw);
      await raw.destroy();
      const again = await Journey.begin(inst.asTestServer, tt);
      assert.equal(again.page.status, 200);
      assert.ok(again.journey.reachedApp(await signIn(again.journey, again.page, EMAIL, tt.password)));
      assert.ok(child.alive());
    });
  });
}

describe('fail closed on a database outage (J5, postgres)', { skip: dialects().includes('postgres') ? false : 'PostgreSQL only (CI=true)' }, () => {
  it('while the database refuses connections: /ready is 503, a password sign-in is refused, the process survives, and recovery is automatic', async (t) => {
    const inst = await installation(t, { dialect: 'postgres', env: { LOG_LEVEL: 'fatal' } });
    const tt = await createTestTenant(inst.asTestServer);
    const child = await inst.start();
    const { journey, page } = await Journey.begin(inst.asTestServer, tt);
    const passwordPage = await journey.submit(page, '/email', { email: EMAIL });
    await inst.closeServices(); // the test's own pool must not see the outage

    const name = new URL(inst.databaseUrl).pathname.slice(1);
    const maintenance = new URL(inst.databaseUrl);
    maintenance.pathname = '/postgres';
    const admin = new pg.Client({ connectionString: maintenance.href });
    await admin.connect();
    t.after(async () => {
      await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`).catch(() => {});
      await admin.end();
    });
    await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);

    assert.equal((await fetch(`${inst.baseUrl}/ready`)).status, 503);
    const during = await post(journey, actionOf(inst.asTestServer, passwordPage, '/password'), {
      flow: passwordPage.flow,
      csrf: passwordPage.csrf,
      password: tt.password,
    });
    assert.equal(journey.reachedApp(during), false, 'no sign-in without the database');
    assert.ok(during.status >= 400, `refused, not ${during.status}`);
    assert.doesNotMatch(during.html, INTERNALS);
    const token = await fetch(`${inst.baseUrl}/${tt.tenant.name}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: 'x',
        client_id: tt.app.id,
        redirect_uri: tt.redirectUri,
        code_verifier: 'v'.repeat(43),
      }),
    });
    assert.ok(token.status >= 400, `the token endpoint refuses, not ${token.status}`);
    assert.doesNotMatch(await token.text(), INTERNALS);
    assert.ok(child.alive(), `the process survived the outage\n${child.output()}`);

    await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
    await until(async () => (await fetch(`${inst.baseUrl}/ready`)).status === 200, '/ready to recover', 15_000);
    const fresh = await Journey.begin(inst.asTestServer, tt);
    assert.ok(fresh.journey.reachedApp(await signIn(fresh.journey, fresh.page, EMAIL, tt.password)), 'sign-in works again without a restart');
    assert.ok(child.alive());
  });
});
