import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dialects, startTestServer } from '../../fixtures/server.ts';
import { createTestTenant } from '../../fixtures/tenants.ts';
import { authorizationRequest, authorizeInBrowser, endpoints, kidOf, redeem, signInForTokens, tokenRequest, verifyIdToken } from './oidc-kit.ts';

const publishedKids = async (url: string) => ((await (await fetch(url)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);

for (const dialect of dialects()) {
  describe(`server restart (${dialect})`, () => {
    it('keys, refresh tokens and browser sessions survive a restart on the same database and secret', async (t) => {
      const first = await startTestServer({ dialect });
      let current = first;
      t.after(() => current.close());
      const tt = await createTestTenant(first, { type: 'confidential' });
      const signedIn = await signInForTokens(first, tt, { scope: 'openid offline_access' });
      const kidsBefore = await publishedKids(endpoints(first, tt.tenant.name).jwks);

      current = await first.restart();
      assert.equal(current.baseUrl, first.baseUrl);

      assert.deepEqual(await publishedKids(endpoints(current, tt.tenant.name).jwks), kidsBefore, 'the JWKS is unchanged');
      await verifyIdToken(current, tt, signedIn.tokens.id_token);

      const refreshed = await tokenRequest(current, tt, { grant_type: 'refresh_token', refresh_token: String(signedIn.tokens.refresh_token) });
      assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
      assert.equal(kidOf(String(refreshed.body.id_token)), kidOf(signedIn.tokens.id_token));

      const request = authorizationRequest(current, tt, { prompt: 'none' });
      const silent = await authorizeInBrowser(signedIn.browser, request.url);
      assert.ok(silent.code, `the session cookie from before the restart still signs in: ${silent.landed.href}`);
      assert.equal((await redeem(current, tt, silent.code, request.verifier)).status, 200);
    });
  });
}
