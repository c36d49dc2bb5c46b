import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HttpBrowser } from '../../fixtures/http-browser.ts';
import { dialects, type TestServer } from '../../fixtures/server.ts';
import type { TestTenant } from '../../fixtures/tenants.ts';
import { assertErrorPage, authorizationRequest, authorizeInBrowser, endpoints, signedOutUri, signInForTokens, suiteFixture } from './oidc-kit.ts';

const signedOut = signedOutUri;

function logoutUrl(server: TestServer, tt: TestTenant, params: Record<string, string>): string {
  const url = new URL(endpoints(server, tt.tenant.name).logout);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.href;
}

/** True when the browser's session still yields a code silently. */
async function stillSignedIn(server: TestServer, tt: TestTenant, browser: HttpBrowser): Promise<boolean> {
  return (await authorizeInBrowser(browser, authorizationRequest(server, tt, { prompt: 'none' }).url)).code !== null;
}

/** Reads oidc-provider's logout confirmation form and submits it with "Yes, sign me out". */
async function confirmLogout(server: TestServer, browser: HttpBrowser, page: string) {
  const xsrf = page.match(/name="xsrf" value="([^"]+)"/)?.[1];
  const action = page.match(/action="([^"]+)"/)?.[1];
  assert.ok(xsrf && action, 'a confirmation form');
  return browser.post(new URL(action, server.baseUrl).href, { xsrf, logout: 'yes' });
}

for (const dialect of dialects()) {
  describe(`RP-initiated logout (${dialect})`, () => {
    const { server, tenant } = suiteFixture(dialect);

    it('F33/F34: an unregistered post_logout_redirect_uri is never redirected to, even with a valid id_token_hint', async () => {
      const tt = await tenant();
      const { browser, tokens } = await signInForTokens(server(), tt);
      for (const target of ['https://evil.example/', '//evil.example/', '/\\evil.example/', 'javascript:alert(1)', `${signedOut}/x`, `${signedOut}?x=1`]) {
        const response = await browser.get(logoutUrl(server(), tt, { id_token_hint: tokens.id_token, post_logout_redirect_uri: target }));
        await assertErrorPage(response, 'invalid_request').catch((error: Error) => assert.fail(`${target}: ${error.message}`));
      }
      assert.ok(await stillSignedIn(server(), tt, browser), 'a refused logout request ends nothing');
    });

    it('F34: without id_token_hint the user is asked to confirm, and only the confirmation ends the session', async () => {
      const tt = await tenant();
      const { browser } = await signInForTokens(server(), tt);
      const response = await browser.get(logoutUrl(server(), tt, { client_id: tt.app.id, post_logout_redirect_uri: signedOut, state: 'st' }));
      assert.equal(response.status, 200);
      const page = await response.text();
      assert.match(page, /sign out/i);
      assert.ok(await stillSignedIn(server(), tt, browser), 'showing the question ends nothing (no forced-logout DoS)');
      const done = await confirmLogout(server(), browser, page);
      assert.equal(done.status, 303, 'F32: the confirmation POST answers 303');
      const location = new URL(done.headers.get('location') ?? '');
      assert.equal(`${location.origin}${location.pathname}`, signedOut);
      assert.equal(location.searchParams.get('state'), 'st');
      assert.equal(await stillSignedIn(server(), tt, browser), false, 'the session is over');
    });

    it('F33/F34: a post_logout_redirect_uri with neither id_token_hint nor client_id is dropped: logout ends on the OP', async () => {
      const tt = await tenant();
      for (const target of [signedOut, 'https://evil.example/']) {
        const { browser } = await signInForTokens(server(), tt);
        const response = await browser.get(logoutUrl(server(), tt, { post_logout_redirect_uri: target }));
        assert.equal(response.status, 200, 'the user is asked to confirm');
        const done = await confirmLogout(server(), browser, await response.text());
        const end = await browser.follow(done, server().baseUrl, server().baseUrl);
        assert.ok(end.url.startsWith(`${server().baseUrl}/`), `${target}: logout left the OP for ${end.url}`);
        assert.equal(end.response.status, 200);
      }
    });

    it('F34: an invalid id_token_hint is refused and ends nothing', async () => {
      const tt = await tenant();
      const { browser, tokens } = await signInForTokens(server(), tt);
      const [header, payload, signature = ''] = tokens.id_token.split('.');
      const tampered = `${header}.${payload}.${signature.slice(0, -4)}AAAA`;
      for (const hint of [tampered, 'not-a-jwt']) {
        const response = await browser.get(logoutUrl(server(), tt, { id_token_hint: hint, post_logout_redirect_uri: signedOut }));
        assert.equal(response.headers.get('location'), null);
        assert.equal(response.status, 400);
      }
      assert.ok(await stillSignedIn(server(), tt, browser));
    });

    it('F34: with a valid id_token_hint and a registered URI, logout still asks, then returns to that URI', async () => {
      const tt = await tenant();
      const { browser, tokens } = await signInForTokens(server(), tt);
      const response = await browser.get(logoutUrl(server(), tt, { id_token_hint: tokens.id_token, post_logout_redirect_uri: signedOut }));
      assert.equal(response.status, 200);
      const done = await confirmLogout(server(), browser, await response.text());
      assert.equal(done.status, 303);
      assert.equal(done.headers.get('location'), signedOut);
    });
  });
}
