import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import { chromiumForThisFile, openPage } from '../fixtures/chromium.ts';
import { type RelyingParty, startRelyingParty } from '../fixtures/relying-party.ts';
import { type TestServer, dialects, startTestServer } from '../fixtures/server.ts';
import { type TestTenant, createTestTenant } from '../fixtures/tenants.ts';
import { GENERIC_SIGN_IN_ERROR, assertInputsLabelled, assertStrictCsp, collectDocuments, mainTextWithout, screenshot, signInSteps } from './pages.ts';

const browser = chromiumForThisFile();

/** A tenant with a user, and an independent relying party registered as one of its apps. */
async function journey(t: TestContext, server: TestServer): Promise<{ rp: RelyingParty; tt: TestTenant }> {
  const rp = await startRelyingParty();
  t.after(() => rp.close());
  const tt = await createTestTenant(server, { redirectUri: rp.redirectUri });
  // createTestTenant registers a fixed post-logout URI, so the RP gets an app of its own for logout.
  const { app } = await server.latchkey.services.apps.create({
    tenantId: tt.tenant.id,
    name: 'E2E relying party',
    type: 'public',
    redirectUris: [rp.redirectUri],
    postLogoutRedirectUris: [rp.postLogoutRedirectUri],
  });
  rp.connect(tt.issuer, app.id);
  return { rp, tt: { ...tt, app } };
}

const onCallback = (rp: RelyingParty) => (url: URL) => `${url.origin}${url.pathname}` === rp.redirectUri;

async function shownClaims(page: Page): Promise<Record<string, unknown>> {
  return JSON.parse((await page.locator('#claims').textContent()) ?? 'null') as Record<string, unknown>;
}

for (const dialect of dialects()) {
  describe(`hosted sign-in in Chromium (${dialect})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ dialect });
    });
    after(() => server?.close());

    it('signs in, signs in again without a prompt, refreshes, signs out and forgets the session', async (t) => {
      const { rp, tt } = await journey(t, server);
      const { page, problems } = await openPage(t, browser());
      const documents = collectDocuments(page, server.baseUrl);

      await page.goto(`${rp.url}/login`);
      assert.ok(page.url().startsWith(`${server.baseUrl}/${tt.tenant.name}/interaction/`), `on the hosted email page: ${page.url()}`);
      assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Sign in');
      await assertInputsLabelled(page);
      await screenshot(page, 'email-page');

      await page.getByLabel('Email address').fill('  alex.doe@EXAMPLE.com ');
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByLabel('Password').waitFor();
      assert.match((await page.locator('main').textContent()) ?? '', /alex\.doe@example\.com/i, 'the password page names the email');
      await assertInputsLabelled(page);
      await screenshot(page, 'password-page');
      await page.setViewportSize({ width: 360, height: 640 });
      await screenshot(page, 'password-page-narrow');
      await page.setViewportSize({ width: 1280, height: 720 });
      await page.getByLabel('Password').fill(tt.password);
      // C17: the typed password can be shown and masked again, by a button that reports its state.
      const reveal = page.getByRole('button', { name: 'Show password' });
      await reveal.click();
      assert.deepEqual([await page.getByLabel('Password').getAttribute('type'), await reveal.getAttribute('aria-pressed')], ['text', 'true']);
      await reveal.click();
      assert.deepEqual([await page.getByLabel('Password').getAttribute('type'), await reveal.getAttribute('aria-pressed')], ['password', 'false']);
      await reveal.click();
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(onCallback(rp));

      const claims = await shownClaims(page);
      assert.equal(claims.iss, tt.issuer);
      assert.equal(claims.aud, tt.app.id);
      assert.equal(claims.sub, tt.user.id);
      assert.equal(claims.oid, tt.user.id);
      assert.equal(claims.tid, tt.tenant.id);
      assert.equal(claims.email, 'Alex.Doe@Example.com');
      assert.equal(claims.email_verified, true);
      assert.equal(claims.name, 'Alex Doe');
      assert.equal(claims.preferred_username, 'Alex.Doe@Example.com');
      assert.ok(rp.tokens?.access_token && rp.tokens.refresh_token, 'access and refresh tokens reached the relying party');

      // The Latchkey session is live: a second sign-in returns to the app without any page.
      await page.goto(`${rp.url}/login`);
      assert.ok(onCallback(rp)(new URL(page.url())), `single sign-on returned straight to the app: ${page.url()}`);
      assert.equal((await shownClaims(page)).sub, tt.user.id);

      const firstRefreshToken = rp.tokens?.refresh_token;
      await page.goto(`${rp.url}/refresh`);
      assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Refreshed', rp.errors.join('\n'));
      assert.ok(rp.tokens?.access_token);
      assert.notEqual(rp.tokens?.refresh_token, firstRefreshToken, 'the refresh token rotated');
      assert.equal(rp.tokens?.claims()?.sub ?? tt.user.id, tt.user.id);

      await page.goto(`${rp.url}/logout`);
      assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Do you want to sign out?');
      await screenshot(page, 'logout-confirm');
      await page.getByRole('button', { name: 'Yes, sign me out' }).click();
      await page.waitForURL(rp.postLogoutRedirectUri);

      await page.goto(`${rp.url}/login`);
      await page.getByLabel('Email address').waitFor();
      assert.ok(page.url().startsWith(`${server.baseUrl}/${tt.tenant.name}/interaction/`), 'after sign-out, signing in asks for the email again');

      assertStrictCsp(documents);
      assert.deepEqual(rp.errors, []);
      assert.deepEqual(problems, []);
    });

    it('switches accounts over a live session (prompt=login): the auto-submitted sign-out step runs under the strict CSP', async (t) => {
      const { rp, tt } = await journey(t, server);
      const other = await server.latchkey.services.users.create({ tenantId: tt.tenant.id, email: `sam.${randomBytes(3).toString('hex')}@example.com`, password: 'Quiet harbour lantern 7', displayName: 'Sam', emailVerified: true });
      const { page, problems } = await openPage(t, browser());
      const documents = collectDocuments(page, server.baseUrl);
      const signInAs = async (email: string, password: string) => {
        await page.getByLabel('Email address').fill(email);
        await page.getByRole('button', { name: 'Next' }).click();
        await page.getByLabel('Password').fill(password);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.waitForURL(onCallback(rp));
      };
      await page.goto(`${rp.url}/login`);
      await signInAs(tt.user.email, tt.password);
      assert.equal((await shownClaims(page)).sub, tt.user.id);

      // oidc-provider ends the first session with a self-submitting form; its script is allowed by hash.
      await page.goto(`${rp.url}/login?prompt=login`);
      await signInAs(other.email, 'Quiet harbour lantern 7');
      assert.equal((await shownClaims(page)).sub, other.id, 'the app got the second user');
      assertStrictCsp(documents);
      assert.deepEqual(rp.errors, []);
      assert.deepEqual(problems, []);
    });

    it('answers a wrong password and an unknown email with the same generic error, without JavaScript', async (t) => {
      const { rp, tt } = await journey(t, server);
      const { page, problems } = await openPage(t, browser(), { javaScriptEnabled: false });
      const documents = collectDocuments(page, server.baseUrl);
      await page.goto(`${rp.url}/login`);

      await signInSteps(page, tt.user.email, 'not-the-password');
      assert.equal((await page.getByRole('alert').textContent())?.trim(), GENERIC_SIGN_IN_ERROR);
      assert.equal(await page.getByLabel('Password').getAttribute('aria-invalid'), 'true');
      assert.equal(await page.getByLabel('Password').inputValue(), '', 'the wrong password is not echoed back');
      assert.equal(await page.getByRole('button', { name: 'Show password' }).count(), 0, 'without JavaScript the toggle stays hidden');
      assert.ok(page.url().startsWith(`${server.baseUrl}/${tt.tenant.name}/interaction/`), 'still on the hosted password page');
      const knownAccount = await mainTextWithout(page, tt.user.email);
      // The only hint-like text allowed is the sign-up link every email page also shows.
      assert.doesNotMatch(knownAccount.replace('No account? Create one', ''), /account|not found|does ?n.t exist|unknown|locked|disabled|try again/i);
      await screenshot(page, 'password-page-error');

      const unknown = `nobody-${randomBytes(4).toString('hex')}@example.com`;
      await page.getByRole('button', { name: 'Use another email' }).click();
      await signInSteps(page, unknown, 'not-the-password');
      assert.equal((await page.getByRole('alert').textContent())?.trim(), GENERIC_SIGN_IN_ERROR);
      assert.equal(await mainTextWithout(page, unknown), knownAccount, 'the page for an unknown email is the same, word for word');

      // The failures leave the journey usable: the right password still signs in, with scripts off.
      await page.getByRole('button', { name: 'Use another email' }).click();
      await signInSteps(page, tt.user.email, tt.password);
      await page.waitForURL(onCallback(rp));
      assert.equal((await shownClaims(page)).sub, tt.user.id);

      assertStrictCsp(documents);
      assert.deepEqual(rp.errors, []);
      assert.deepEqual(problems, []);
    });
  });
}
