import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RATE_LIMITS } from '../../../src/core/policies/rate-limits.ts';
import { Journey } from '../../fixtures/journey.ts';
import { dialects, startTestServer } from '../../fixtures/server.ts';
import { startTestMailbox } from '../../fixtures/smtp.ts';
import { createTestTenant } from '../../fixtures/tenants.ts';

async function setUp(t: { after(fn: () => Promise<void>): void }, dialect: 'sqlite' | 'postgres') {
  const mailbox = await startTestMailbox();
  const server = await startTestServer({ dialect, env: { LATCHKEY_SMTP_URL: mailbox.url } });
  t.after(async () => {
    await server.close();
    await mailbox.stop();
  });
  return { mailbox, server, tt: await createTestTenant(server) };
}

/** Starts a reset for `email` from a fresh journey; returns the status of the POST /forgot. */
async function requestReset(server: Awaited<ReturnType<typeof setUp>>['server'], tt: Awaited<ReturnType<typeof setUp>>['tt'], email: string) {
  const { journey, page } = await Journey.begin(server, tt);
  const passwordPage = await journey.submit(page, '/email', { email });
  const url = new URL(passwordPage.actions.find((a) => a.endsWith('/forgot')) ?? '', server.baseUrl).href;
  const response = await journey.browser.post(url, { flow: passwordPage.flow, csrf: passwordPage.csrf });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.text() };
}

for (const dialect of dialects()) {
  describe(`rate limits (${dialect})`, () => {
    it('mail bombing: the 6th reset mail to one address within the hour gets 429 with Retry-After, same for an unknown address', async (t) => {
      const { mailbox, server, tt } = await setUp(t, dialect);
      const max = RATE_LIMITS.passcode_send_per_address.max;
      for (let i = 0; i < max; i++) assert.equal((await requestReset(server, tt, 'alex.doe@example.com')).status, 303);
      const known = await requestReset(server, tt, 'alex.doe@example.com');
      for (let i = 0; i < max; i++) await requestReset(server, tt, 'nobody@example.com');
      const unknown = await requestReset(server, tt, 'nobody@example.com');
      assert.equal(known.status, 429);
      assert.equal(unknown.status, 429);
      assert.ok(Number(known.retryAfter) > 0 && Number(known.retryAfter) <= 3600);
      assert.equal(known.body, unknown.body);
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.ok(mailbox.countFor('alex.doe@example.com') <= max, 'no more than the budget was mailed');
    });

    it('password attempts per IP are limited with 429 and Retry-After', async (t) => {
      const { server, tt } = await setUp(t, dialect);
      const { journey, page } = await Journey.begin(server, tt);
      let current = await journey.submit(page, '/email', { email: 'ghost@example.com' });
      const url = new URL(current.actions.find((a) => a.endsWith('/password')) ?? '', server.baseUrl).href;
      let status = 0;
      let retryAfter: string | null = null;
      for (let i = 0; i <= RATE_LIMITS.password_per_ip.max && status !== 429; i++) {
        const response = await journey.browser.post(url, { flow: current.flow, csrf: current.csrf, password: `guess ${i}` });
        status = response.status;
        retryAfter = response.headers.get('retry-after');
        if (status === 303) current = await journey.open(response.headers.get('location') ?? '/');
      }
      assert.equal(status, 429);
      assert.ok(Number(retryAfter) > 0);
    });

    it('token requests per IP are limited with a 429 OAuth error and Retry-After', async (t) => {
      const { server, tt } = await setUp(t, dialect);
      const url = `${server.baseUrl}/${tt.tenant.name}/oauth2/v2.0/token`;
      const post = () =>
        fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'authorization_code', code: 'nope', client_id: tt.app.id, code_verifier: 'x'.repeat(43) }),
        });
      const max = RATE_LIMITS.token_per_ip.max;
      for (let sent = 0; sent < max; sent += 50) {
        const batch = await Promise.all(Array.from({ length: Math.min(50, max - sent) }, post));
        assert.ok(batch.every((r) => r.status === 400), 'within budget: ordinary OAuth errors');
      }
      const limited = await post();
      assert.equal(limited.status, 429);
      assert.ok(Number(limited.headers.get('retry-after')) > 0);
      assert.equal(((await limited.json()) as { error: string }).error, 'temporarily_unavailable');
    });
  });
}
