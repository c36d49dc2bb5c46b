import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { dialects } from '../../fixtures/server.ts';
import {
  assertErrorPage,
  assertErrorRedirect,
  authorizationRequest,
  endpoints,
  kidOf,
  redeem,
  signIn,
  signInForTokens,
  suiteFixture,
  tokenRequest,
  userinfo,
} from './oidc-kit.ts';

for (const dialect of dialects()) {
  describe(`tenant-scoped protocol objects (${dialect})`, () => {
    const { server, tenant } = suiteFixture(dialect, { tenants: 2 });

    /** Fresh apps in the suite's two tenants; they share a redirect URI, so only the tenant boundary tells them apart. */
    const twoTenants = async () => [await tenant({ type: 'confidential' }, 0), await tenant({ type: 'confidential' }, 1)] as const;

    it("F36: T1's client_id is unknown at T2's authorization endpoint", async () => {
      const [t1, t2] = await twoTenants();
      const request = authorizationRequest(server(), { ...t2, app: t1.app });
      await assertErrorPage(await fetch(request.url, { redirect: 'manual' }), 'invalid_client');
    });

    it("F36: T1's code is refused at T2's token endpoint, with T1's or with T2's credentials", async () => {
      const [t1, t2] = await twoTenants();
      const { code, verifier } = await signIn(server(), t1);
      const asT1 = await redeem(server(), { ...t2, app: t1.app, clientSecret: t1.clientSecret }, code, verifier);
      assert.equal(asT1.status, 401);
      assert.equal(asT1.body.error, 'invalid_client');
      const asT2 = await redeem(server(), t2, code, verifier);
      assert.equal(asT2.status, 400);
      assert.equal(asT2.body.error, 'invalid_grant');
      assert.equal((await redeem(server(), t1, code, verifier)).status, 200, 'the code is still good at its own tenant');
    });

    it("F36: T1's access and refresh tokens are refused by T2", async () => {
      const [t1, t2] = await twoTenants();
      const { tokens } = await signInForTokens(server(), t1, { scope: 'openid offline_access' });
      const info = await userinfo(server(), t2, tokens.access_token);
      assert.equal(info.status, 401);
      assert.equal(info.body.sub, undefined);
      const refreshed = await tokenRequest(server(), t2, { grant_type: 'refresh_token', refresh_token: String(tokens.refresh_token) });
      assert.equal(refreshed.body.error, 'invalid_grant');
      assert.equal((await userinfo(server(), t1, tokens.access_token)).status, 200);
    });

    it("F36: T1's session does not sign the browser in at T2", async () => {
      const [t1, t2] = await twoTenants();
      const { browser } = await signIn(server(), t1);
      const request = authorizationRequest(server(), t2, { prompt: 'none' });
      assertErrorRedirect(await browser.get(request.url.href), t2, { error: 'login_required', state: request.state });
    });

    it("F36: T1's ID token does not verify with T2's keys and is refused as T2's id_token_hint", async () => {
      const [t1, t2] = await twoTenants();
      const { tokens, browser } = await signInForTokens(server(), t1);
      const t2Keys = (await (await fetch(endpoints(server(), t2.tenant.name).jwks)).json()) as { keys: { kid: string }[] };
      assert.ok(!t2Keys.keys.some((k) => k.kid === kidOf(tokens.id_token)), 'tenants never share a signing key');
      await assert.rejects(jwtVerify(tokens.id_token, createRemoteJWKSet(new URL(endpoints(server(), t2.tenant.name).jwks)), { issuer: t2.issuer }));
      const logout = new URL(endpoints(server(), t2.tenant.name).logout);
      logout.searchParams.set('id_token_hint', tokens.id_token);
      const response = await browser.get(logout.href);
      assert.equal(response.headers.get('location'), null);
      assert.equal(response.status, 400);
    });
  });
}
