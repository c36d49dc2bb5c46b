import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HttpBrowser } from '../../fixtures/http-browser.ts';
import { dialects } from '../../fixtures/server.ts';
import {
  assertErrorPage,
  assertErrorRedirect,
  authorizationRequest,
  authorizeInBrowser,
  endpoints,
  signIn,
  signInForTokens,
  suiteFixture,
  tokenRequest,
} from './oidc-kit.ts';

/** The sign-in page's email field value, with the per-request tokens masked so two pages compare. */
const emailValue = (html: string) => html.match(/name="email"[^>]*value="([^"]*)"/)?.[1] ?? html.match(/value="([^"]*)"[^>]*name="email"/)?.[1];
const masked = (html: string) => html.replace(/value="[^"]*"/g, 'value=""').replace(/\/interaction\/[^/"?]+/g, '/interaction/UID');

for (const dialect of dialects()) {
  describe(`authorization request parameters (${dialect})`, () => {
    const { server, tenant } = suiteFixture(dialect);

    it('F25: unknown parameters, ui_locales, claims_locales, acr_values and display values are tolerated', async () => {
      const tt = await tenant();
      const extras: Record<string, string>[] = [
        { unknown_param: 'x' },
        { ui_locales: 'de-CH fr en' },
        { claims_locales: 'de' },
        { acr_values: 'urn:example:loa:2' },
        { display: 'page' },
        { display: 'popup' },
      ];
      for (const extra of extras) {
        const { callbackUrl } = await signIn(server(), tt, extra);
        assert.ok(callbackUrl.searchParams.get('code'), JSON.stringify(extra));
      }
    });

    it('F25: id_token_hint of the signed-in user is accepted and the session is reused', async () => {
      const tt = await tenant();
      const first = await signInForTokens(server(), tt);
      const request = authorizationRequest(server(), tt, { id_token_hint: first.tokens.id_token, prompt: 'none' });
      const silent = await authorizeInBrowser(first.browser, request.url);
      assert.ok(silent.code, silent.landed.href);
    });

    it('F25: login_hint pre-fills the email field, for an account that exists and one that does not, on the same page', async () => {
      const tt = await tenant();
      const pages: string[] = [];
      for (const hint of [tt.user.email, 'nobody.here@example.com']) {
        const started = await authorizeInBrowser(new HttpBrowser(), authorizationRequest(server(), tt, { login_hint: hint }).url);
        assert.equal(started.response.status, 200);
        const html = await started.response.text();
        assert.equal(emailValue(html), hint);
        pages.push(masked(html).replace(hint, 'HINT'));
      }
      assert.equal(pages[0], pages[1], 'the page does not reveal whether the hinted account exists');
    });

    it('F26: POST to the authorization endpoint is not served (GET only, see the report), and issues nothing', async () => {
      const tt = await tenant();
      const { url } = authorizationRequest(server(), tt);
      const response = await fetch(endpoints(server(), tt.tenant.name).authorize, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: url.searchParams.toString(),
      });
      assert.ok(response.status >= 400 && response.status < 500, String(response.status));
      assert.equal(response.headers.get('location'), null);
    });

    it('F27: request and request_uri are refused as unsupported, not silently ignored', async () => {
      const tt = await tenant();
      const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"scope":"openid email"}').toString('base64url')}.`;
      const byValue = authorizationRequest(server(), tt, { request: unsigned });
      assertErrorRedirect(await fetch(byValue.url, { redirect: 'manual' }), tt, { error: 'request_not_supported', state: byValue.state });
      const byReference = authorizationRequest(server(), tt, { request_uri: 'https://app.example/request.jwt' });
      assertErrorRedirect(await fetch(byReference.url, { redirect: 'manual' }), tt, { error: 'request_uri_not_supported', state: byReference.state });
    });

    it('F28: a repeated client_id gets an error page; a repeated redirect_uri, scope or state gets invalid_request', async () => {
      const tt = await tenant();
      const twiceClient = authorizationRequest(server(), tt);
      twiceClient.url.searchParams.append('client_id', 'other-app');
      await assertErrorPage(await fetch(twiceClient.url, { redirect: 'manual' }), 'invalid_request');
      for (const name of ['redirect_uri', 'scope', 'state', 'code_challenge']) {
        const twice = authorizationRequest(server(), tt);
        twice.url.searchParams.append(name, twice.url.searchParams.get(name) ?? '');
        const response = await fetch(twice.url, { redirect: 'manual' });
        if (response.status === 303) assertErrorRedirect(response, tt, { error: 'invalid_request' });
        else await assertErrorPage(response, 'invalid_request');
      }
    });

    it('F28: a repeated parameter at the token endpoint is invalid_request', async () => {
      const tt = await tenant();
      const { code, verifier } = await signIn(server(), tt);
      const body = new URLSearchParams({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: tt.redirectUri, client_id: tt.app.id });
      body.append('code', code);
      const response = await fetch(endpoints(server(), tt.tenant.name).token, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: body.toString(),
      });
      assert.equal(response.status, 400);
      assert.equal(((await response.json()) as { error: string }).error, 'invalid_request');
      assert.equal(
        (await tokenRequest(server(), tt, { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: tt.redirectUri })).status,
        200,
      );
    });
  });
}
