import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, it } from 'node:test';
import { installation } from '../fixtures/child-server.ts';
import { Journey } from '../fixtures/journey.ts';
import { dialects } from '../fixtures/server.ts';
import { createTestTenant } from '../fixtures/tenants.ts';
import { EMAIL, actionOf } from './support.ts';

/**
 * J10 (SECURITY-CHECKLIST): SIGTERM while a request is in flight lets it finish, refuses new
 * connections, and exits 0; the finished request's writes are all there (pairs with J1).
 */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const dialect of dialects()) {
  describe(`graceful shutdown (J10, ${dialect})`, () => {
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
        headers: { cookie: journey.browser.cookieHeader(), accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
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

      // Its writes are complete: a new process finishes the sign-in from where the answer pointed.
      await inst.start();
      const landed = await journey.open(new URL(location, url).href);
      assert.equal((await journey.tokens(landed)).claims()?.sub, tt.user.id);
    });
  });
}
