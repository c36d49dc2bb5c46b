import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as client from 'openid-client';
import { HttpBrowser, signInThroughPages } from '../fixtures/http-browser.ts';
import { dialects, startTestServer } from '../fixtures/server.ts';
import { createTestTenant } from '../fixtures/tenants.ts';

const insecure = { execute: [client.allowInsecureRequests] };

for (const dialect of dialects()) {
  describe(`openid-client relying party (${dialect})`, () => {
    it('discovers, signs in through the pages with PKCE, validates the ID token, refreshes and logs out', async (t) => {
      const server = await startTestServer({ dialect });
      t.after(() => server.close());
      const tt = await createTestTenant(server);
      const config = await client.discovery(new URL(tt.issuer), tt.app.id, undefined, client.None(), insecure);
      assert.equal(config.serverMetadata().issuer, tt.issuer);

      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: tt.redirectUri,
        scope: 'openid profile email offline_access',
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      const browser = new HttpBrowser();
      const { callbackUrl, postStatuses } = await signInThroughPages(browser, url.href, '  alex.doe@EXAMPLE.com ', tt.password);
      assert.deepEqual(postStatuses, [303, 303]);
      assert.equal(callbackUrl.searchParams.get('iss'), tt.issuer);

      const tokens = await client.authorizationCodeGrant(config, callbackUrl, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
      const claims = tokens.claims();
      assert.ok(claims);
      assert.equal(claims.sub, tt.user.id);
      assert.equal(claims.oid, tt.user.id);
      assert.equal(claims.tid, tt.tenant.id);
      assert.equal(claims.email, 'Alex.Doe@Example.com');
      assert.equal(claims.email_verified, true);
      assert.equal(claims.name, 'Alex Doe');
      assert.equal(claims.preferred_username, 'Alex.Doe@Example.com');
      assert.ok(tokens.refresh_token, 'a refresh token is issued for offline_access');

      const info = await client.fetchUserInfo(config, tokens.access_token, tt.user.id);
      assert.equal(info.email, 'Alex.Doe@Example.com');

      const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
      assert.ok(refreshed.access_token);
      assert.notEqual(refreshed.refresh_token, tokens.refresh_token, 'refresh tokens rotate');
      await assert.rejects(
        client.refreshTokenGrant(config, tokens.refresh_token),
        (error: { error?: string }) => error.error === 'invalid_grant',
        'a rotated refresh token is refused',
      );

      const logout = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token ?? '', post_logout_redirect_uri: 'http://127.0.0.1:5173/signed-out' });
      const confirm = await browser.get(logout.href);
      assert.equal(confirm.status, 200);
      const page = await confirm.text();
      const xsrf = page.match(/name="xsrf" value="([^"]+)"/)?.[1];
      const action = page.match(/action="([^"]+)"/)?.[1];
      assert.ok(xsrf && action);
      const done = await browser.post(new URL(action, server.baseUrl).href, { xsrf, logout: 'yes' });
      assert.equal(done.status, 303);
      assert.equal(done.headers.get('location'), 'http://127.0.0.1:5173/signed-out');
    });
  });
}
