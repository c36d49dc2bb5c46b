import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as client from 'openid-client';
import { Journey, codeIn, comparable, nthMail } from '../../fixtures/journey.ts';
import { HttpBrowser, signInThroughPages } from '../../fixtures/http-browser.ts';
import { dialects, offsetClock, startTestServer } from '../../fixtures/server.ts';
import { startTestMailbox } from '../../fixtures/smtp.ts';
import { createTestTenant } from '../../fixtures/tenants.ts';

const EMAIL = 'alex.doe@example.com';

async function setUp(t: { after(fn: () => Promise<void>): void }, dialect: 'sqlite' | 'postgres', clock = offsetClock()) {
  const mailbox = await startTestMailbox();
  const server = await startTestServer({ dialect, clock, env: { LATCHKEY_SMTP_URL: mailbox.url } });
  t.after(async () => {
    await server.close();
    await mailbox.stop();
  });
  const tt = await createTestTenant(server);
  return { mailbox, server, tt, clock };
}

/** Email → Next → Forgot password? → the Enter code page. */
async function requestReset(journey: Journey, emailPage: Awaited<ReturnType<typeof Journey.begin>>['page'], email: string) {
  const passwordPage = await journey.submit(emailPage, '/email', { email });
  assert.match(passwordPage.html, /Forgot password\?/);
  return journey.submit(passwordPage, '/forgot');
}

for (const dialect of dialects()) {
  describe(`self-service password reset (${dialect})`, () => {
    it('resets the password with the mailed code and lands in the app signed in; old credentials stop working', async (t) => {
      const { mailbox, server, tt } = await setUp(t, dialect);

      // An earlier sign-in whose refresh token must die with the reset.
      const before = await Journey.begin(server, tt);
      const beforeTokens = await before.journey.tokens(await before.journey.submit(await before.journey.submit(before.page, '/email', { email: EMAIL }), '/password', { password: tt.password }));
      assert.ok(beforeTokens.refresh_token);

      const { journey, page } = await Journey.begin(server, tt);
      const codePage = await requestReset(journey, page, EMAIL);
      assert.match(codePage.html, /Enter code/);
      const mail = await nthMail(mailbox, EMAIL, 0);
      assert.match(mail.subject, /code/i);
      assert.doesNotMatch(mail.html, /<a\s/i, 'a passcode mail carries no links');
      const newPasswordPage = await journey.submit(codePage, '/reset/code', { code: codeIn(mail) });
      assert.match(newPasswordPage.html, /New password/);
      assert.match(newPasswordPage.html, /Confirm password/);
      const landed = await journey.submit(newPasswordPage, '/reset/password', { password: 'brand new secret 1', confirm: 'brand new secret 1' });
      const tokens = await journey.tokens(landed);
      assert.equal(tokens.claims()?.sub, tt.user.id);

      const notice = await nthMail(mailbox, EMAIL, 1);
      assert.match(notice.subject, /password/i);
      await assert.rejects(client.refreshTokenGrant(before.journey.config, beforeTokens.refresh_token), (e: { error?: string }) => e.error === 'invalid_grant');

      const url = (verifier: string) =>
        client.buildAuthorizationUrl(journey.config, { redirect_uri: tt.redirectUri, scope: 'openid', code_challenge: verifier, code_challenge_method: 'S256' }).href;
      const challenge = await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier());
      await assert.rejects(signInThroughPages(new HttpBrowser(), url(challenge), EMAIL, tt.password), /did not return to the app/, 'the old password fails');
      const ok = await signInThroughPages(new HttpBrowser(), url(challenge), EMAIL, 'brand new secret 1');
      assert.ok(ok.callbackUrl.searchParams.get('code'));

      const audit = await server.latchkey.services.deps.store.auditLog.list(tt.tenant.id, 10);
      assert.ok(audit.some((e) => e.action === 'password_reset' && e.target === `user:${tt.user.id}`));
    });

    it('refuses a new password that is too short, mismatched, or the same as the old one, with a clear message', async (t) => {
      const { mailbox, server, tt } = await setUp(t, dialect);
      const { journey, page } = await Journey.begin(server, tt);
      const codePage = await requestReset(journey, page, EMAIL);
      let form = await journey.submit(codePage, '/reset/code', { code: codeIn(await nthMail(mailbox, EMAIL, 0)) });
      form = await journey.submit(form, '/reset/password', { password: 'short', confirm: 'short' });
      assert.match(form.html, /at least 8 characters/i);
      form = await journey.submit(form, '/reset/password', { password: 'long enough 1', confirm: 'long enough 2' });
      assert.match(form.html, /do not match/);
      form = await journey.submit(form, '/reset/password', { password: tt.password, confirm: tt.password });
      assert.match(form.html, /not used before/);
    });

    it('kills the flow after 5 wrong codes: even the right code then fails', async (t) => {
      const { mailbox, server, tt } = await setUp(t, dialect);
      const { journey, page } = await Journey.begin(server, tt);
      let codePage = await requestReset(journey, page, EMAIL);
      const code = codeIn(await nthMail(mailbox, EMAIL, 0));
      const wrong = code === '00000000' ? '11111111' : '00000000';
      for (let i = 0; i < 4; i++) {
        codePage = await journey.submit(codePage, '/reset/code', { code: wrong });
        assert.match(codePage.html, /wrong or has expired/);
      }
      const dead = await journey.submit(codePage, '/reset/code', { code: wrong });
      assert.equal(dead.status, 400);
      assert.match(dead.html, /Start again/);
      const retry = await journey.browser.post(new URL(codePage.actions[0] ?? '', server.baseUrl).href, { flow: codePage.flow, csrf: codePage.csrf, code });
      const after = await journey.open(retry.headers.get('location') ?? '/');
      assert.doesNotMatch(after.html, /New password/);
    });

    it('refuses an expired code', async (t) => {
      const { mailbox, server, tt, clock } = await setUp(t, dialect);
      const { journey, page } = await Journey.begin(server, tt);
      const codePage = await requestReset(journey, page, EMAIL);
      const code = codeIn(await nthMail(mailbox, EMAIL, 0));
      clock.advance(10 * 60 * 1000 + 1000);
      const after = await journey.submit(codePage, '/reset/code', { code });
      assert.match(after.html, /wrong or has expired/);
    });

    it('resend replaces the code and keeps the failed-attempt count', async (t) => {
      const { mailbox, server, tt, clock } = await setUp(t, dialect);
      const { journey, page } = await Journey.begin(server, tt);
      let codePage = await requestReset(journey, page, EMAIL);
      const first = codeIn(await nthMail(mailbox, EMAIL, 0));
      const wrong = first === '00000000' ? '11111111' : '00000000';
      for (let i = 0; i < 3; i++) codePage = await journey.submit(codePage, '/reset/code', { code: wrong });
      codePage = await journey.submit(codePage, '/reset/resend');
      assert.match(codePage.html, /Wait a few seconds/, 'a resend inside the cooldown is refused');
      clock.advance(31_000);
      codePage = await journey.submit(codePage, '/reset/resend');
      const second = codeIn(await nthMail(mailbox, EMAIL, 1));
      codePage = await journey.submit(codePage, '/reset/code', { code: first });
      assert.match(codePage.html, /wrong or has expired/, 'the old code no longer works');
      // That was the 4th failure; one more kills the flow, so the count survived the resend.
      const dead = await journey.submit(codePage, '/reset/code', { code: wrong });
      assert.match(dead.html, /Start again/);
      assert.notEqual(first, second);
    });

    it('two parallel submissions of one code: exactly one wins', async (t) => {
      const { mailbox, server, tt } = await setUp(t, dialect);
      const { journey, page } = await Journey.begin(server, tt);
      const codePage = await requestReset(journey, page, EMAIL);
      const code = codeIn(await nthMail(mailbox, EMAIL, 0));
      const flowId = codePage.flow;
      const results = await Promise.all([0, 1, 2, 3].map(() => server.latchkey.services.deps.store.passcodes.consume(flowId as never, 'x', Date.now(), 5)));
      assert.deepEqual(results, [false, false, false, false], 'a wrong hash never consumes');
      const url = new URL(codePage.actions.find((a) => a.endsWith('/reset/code')) ?? '', server.baseUrl).href;
      await Promise.all([0, 1, 2].map(() => journey.browser.post(url, { flow: codePage.flow, csrf: codePage.csrf, code })));
      const record = await server.latchkey.services.deps.store.passcodes.find(flowId as never);
      assert.ok(record?.consumedAt, 'the code was consumed');
      const flow = await server.latchkey.services.deps.store.flows.find(flowId as never);
      assert.equal(flow?.state, 'awaiting_new_password');
      assert.ok((record?.failedAttempts ?? 0) <= 2, 'the losers count as failures at most');
    });

    it('an unknown email walks the same pages with the same statuses, and no mail is sent', async (t) => {
      const { mailbox, server, tt } = await setUp(t, dialect);
      const known = await Journey.begin(server, tt);
      const unknown = await Journey.begin(server, tt);
      const knownPage = await requestReset(known.journey, known.page, EMAIL);
      const unknownPage = await requestReset(unknown.journey, unknown.page, 'nobody@example.com');
      assert.equal(unknownPage.status, knownPage.status);
      assert.equal(comparable(unknownPage).replace('nobody@example.com', 'X'), comparable(knownPage).replace(EMAIL, 'X'));
      const wrongKnown = await known.journey.submit(knownPage, '/reset/code', { code: '12345678' });
      const wrongUnknown = await unknown.journey.submit(unknownPage, '/reset/code', { code: '12345678' });
      assert.equal(comparable(wrongUnknown).replace('nobody@example.com', 'X'), comparable(wrongKnown).replace(EMAIL, 'X'));
      await nthMail(mailbox, EMAIL, 0);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(mailbox.countFor('nobody@example.com'), 0);
    });

    it('mails nothing while SMTP is down, then delivers the code once it is back', async (t) => {
      const { mailbox, server, tt } = await setUp(t, dialect);
      await mailbox.stop();
      const { journey, page } = await Journey.begin(server, tt);
      const codePage = await requestReset(journey, page, EMAIL);
      assert.match(codePage.html, /Enter code/);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(await server.latchkey.services.deps.store.outbox.pendingCount(), 1);
      await mailbox.start();
      const mail = await nthMail(mailbox, EMAIL, 0, 15_000);
      const next = await journey.submit(codePage, '/reset/code', { code: codeIn(mail) });
      assert.match(next.html, /New password/);
    });
  });
}
