import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it, type TestContext } from 'node:test';
import * as client from 'openid-client';
import type { Page } from 'playwright-core';
import { chromiumForThisFile, openPage } from '../fixtures/chromium.ts';
import { codeIn, nthMail } from '../fixtures/journey.ts';
import { type RelyingParty, startRelyingParty } from '../fixtures/relying-party.ts';
import { type TestServer, dialects, offsetClock, startTestServer } from '../fixtures/server.ts';
import { type TestMailbox, startTestMailbox } from '../fixtures/smtp.ts';
import { type TestTenant, createTestTenant } from '../fixtures/tenants.ts';
import { GENERIC_SIGN_IN_ERROR, assertInputsLabelled, assertStrictCsp, collectDocuments, screenshot, signInSteps } from './pages.ts';

const browser = chromiumForThisFile();

const WRONG_CODE = 'That code is wrong or has expired. Check the code and try again.';
const RESEND_TOO_SOON = 'Wait a few seconds before asking for another code.';

/** A tenant with one user (an address of its own, so tests sharing the mailbox never see each other's mail) and the RP as its app. */
async function tenantWithRp(t: TestContext, server: TestServer): Promise<{ rp: RelyingParty; tt: TestTenant; email: string }> {
  const rp = await startRelyingParty();
  t.after(() => rp.close());
  const email = `reset-${randomBytes(4).toString('hex')}@example.com`;
  const tt = await createTestTenant(server, { redirectUri: rp.redirectUri, email });
  rp.connect(tt.issuer, tt.app.id);
  return { rp, tt, email };
}

const onCallback = (rp: RelyingParty) => (url: URL) => `${url.origin}${url.pathname}` === rp.redirectUri;

async function shownClaims(page: Page): Promise<Record<string, unknown>> {
  return JSON.parse((await page.locator('#claims').textContent()) ?? 'null') as Record<string, unknown>;
}

async function alertText(page: Page): Promise<string> {
  return ((await page.getByRole('alert').textContent()) ?? '').trim();
}

/** From the RP: Email address → Next → Forgot password? → the Enter code page. */
async function forgotPassword(page: Page, rp: RelyingParty, email: string): Promise<void> {
  await page.goto(`${rp.url}/login`);
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Forgot password?' }).click();
  await page.getByRole('heading', { level: 1, name: 'Enter code' }).waitFor();
}

async function enterCode(page: Page, code: string): Promise<void> {
  await page.getByLabel('Code').fill(code);
  await page.getByRole('button', { name: 'Verify code' }).click();
}

async function chooseNewPassword(page: Page, password: string): Promise<void> {
  await page.getByLabel('New password').fill(password);
  await page.getByLabel('Confirm password').fill(password);
  await page.getByRole('button', { name: 'Reset password' }).click();
}

for (const dialect of dialects()) {
  describe(`self-service password reset in Chromium (${dialect})`, () => {
    let server: TestServer;
    let mailbox: TestMailbox;
    const clock = offsetClock();
    before(async () => {
      mailbox = await startTestMailbox();
      server = await startTestServer({ dialect, clock, env: { LATCHKEY_SMTP_URL: mailbox.url } });
    });
    after(async () => {
      await server?.close();
      await mailbox?.stop();
    });

    it('resets with the mailed code, lands signed in at the RP, and retires the old password, sessions and refresh tokens', async (t) => {
      const { rp, tt, email } = await tenantWithRp(t, server);

      // Earlier, elsewhere: the user signed in, and the RP holds a refresh token from then.
      const earlier = await openPage(t, browser());
      await earlier.page.goto(`${rp.url}/login`);
      await signInSteps(earlier.page, email, tt.password);
      await earlier.page.waitForURL(onCallback(rp));
      const earlierTokens = rp.tokens;
      assert.ok(earlierTokens?.refresh_token, 'the RP holds a refresh token from before the reset');

      // Now, in another browser: Forgot password?
      const { page, problems } = await openPage(t, browser());
      const documents = collectDocuments(page, server.baseUrl);
      await forgotPassword(page, rp, email);
      assert.ok(page.url().startsWith(`${server.baseUrl}/${tt.tenant.name}/interaction/`), `on the hosted pages: ${page.url()}`);
      assert.ok(((await page.locator('main').textContent()) ?? '').includes(email), 'the code page names the address');
      assert.equal(await page.getByLabel('Code').getAttribute('autocomplete'), 'one-time-code');
      await assertInputsLabelled(page);
      await screenshot(page, 'reset-enter-code');

      const mail = await nthMail(mailbox, email, 0);
      assert.match(mail.subject, /password reset code/);
      await enterCode(page, codeIn(mail));
      await page.getByRole('heading', { level: 1, name: 'Choose a new password' }).waitFor();
      await assertInputsLabelled(page);
      await screenshot(page, 'reset-new-password');
      await chooseNewPassword(page, 'brand new secret 1');
      await page.waitForURL(onCallback(rp));

      const claims = await shownClaims(page);
      assert.equal(claims.iss, tt.issuer);
      assert.equal(claims.aud, tt.app.id);
      assert.equal(claims.sub, tt.user.id);
      assert.equal(claims.email, email);
      assert.equal(claims.email_verified, true);

      const notice = await nthMail(mailbox, email, 1);
      assert.match(notice.subject, /password was changed/);
      assert.doesNotMatch(notice.subject, /^\d/, 'the notice carries no code');

      // The refresh token from before the reset is dead: the RP's refresh with it is refused.
      const afterReset = rp.tokens;
      rp.tokens = earlierTokens;
      await earlier.page.goto(`${rp.url}/refresh`);
      assert.equal(await earlier.page.getByRole('heading', { level: 1 }).textContent(), 'Relying party error');
      assert.match(rp.errors.join('\n'), /^\/refresh: ResponseBodyError/);
      rp.errors.length = 0;
      rp.tokens = afterReset;
      // The RP's page does not show the OAuth error code: ask the token endpoint directly which error it is.
      const config = await client.discovery(new URL(tt.issuer), tt.app.id, undefined, client.None(), { execute: [client.allowInsecureRequests] });
      await assert.rejects(client.refreshTokenGrant(config, earlierTokens.refresh_token), (e: { error?: string }) => e.error === 'invalid_grant');

      // The earlier browser's Latchkey session is gone too: signing in asks for the email again.
      await earlier.page.goto(`${rp.url}/login`);
      await earlier.page.getByLabel('Email address').waitFor();

      // A new browser: the old password fails with the generic error, the new one signs in.
      const fresh = await openPage(t, browser());
      await fresh.page.goto(`${rp.url}/login`);
      await signInSteps(fresh.page, email, tt.password);
      assert.equal(await alertText(fresh.page), GENERIC_SIGN_IN_ERROR);
      await fresh.page.getByLabel('Password').fill('brand new secret 1');
      await fresh.page.getByRole('button', { name: 'Sign in' }).click();
      await fresh.page.waitForURL(onCallback(rp));
      assert.equal((await shownClaims(fresh.page)).sub, tt.user.id);

      assertStrictCsp(documents);
      assert.deepEqual(rp.errors, []);
      // The one expected console error: the RP's own 500 page for the refused refresh.
      const refusedRefresh = (problem: string) => problem.includes(`${rp.url}/refresh`);
      assert.deepEqual([...problems, ...earlier.problems.filter((p) => !refusedRefresh(p)), ...fresh.problems], []);
    });

    it('shows a wrong code in the page, and Resend code mails a new code that replaces the old one', async (t) => {
      const { rp, tt, email } = await tenantWithRp(t, server);
      const { page, problems } = await openPage(t, browser());
      await forgotPassword(page, rp, email);
      const first = codeIn(await nthMail(mailbox, email, 0));

      await enterCode(page, first === '00000000' ? '11111111' : '00000000');
      assert.equal(await alertText(page), WRONG_CODE);
      assert.equal(await page.getByLabel('Code').getAttribute('aria-invalid'), 'true');
      assert.equal(await page.getByLabel('Code').inputValue(), '', 'the wrong code is not echoed back');
      await page.getByRole('heading', { level: 1, name: 'Enter code' }).waitFor();
      await screenshot(page, 'reset-enter-code-wrong');

      // Inside the cooldown a resend is refused in the page; after it, a new code is mailed.
      await page.getByRole('button', { name: 'Resend code' }).click();
      assert.equal(await alertText(page), RESEND_TOO_SOON);
      clock.advance(31_000);
      await page.getByRole('button', { name: 'Resend code' }).click();
      const second = codeIn(await nthMail(mailbox, email, 1));
      assert.notEqual(second, first);
      assert.equal(await page.getByRole('alert').count(), 0, 'a successful resend shows no error');

      await enterCode(page, first);
      assert.equal(await alertText(page), WRONG_CODE, 'the replaced code no longer works');
      await enterCode(page, second);
      await chooseNewPassword(page, 'another new secret 2');
      await page.waitForURL(onCallback(rp));
      assert.equal((await shownClaims(page)).sub, tt.user.id);
      assert.deepEqual(rp.errors, []);
      assert.deepEqual(problems, []);
    });
  });
}
