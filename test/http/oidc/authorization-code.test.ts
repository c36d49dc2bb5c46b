import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dialects } from '../../fixtures/server.ts';
import {
  addApp,
  assertErrorRedirect,
  authorizationRequest,
  authorizeInBrowser,
  clockTravel,
  redeem,
  signIn,
  suiteFixture,
  tokenRequest,
  userinfo,
} from './oidc-kit.ts';

for (const dialect of dialects()) {
  describe(`authorization code (${dialect})`, () => {
    const { server, tenant } = suiteFixture(dialect);

    it('F9: a replayed code is invalid_grant and revokes the access and refresh tokens issued for it', async () => {
      const tt = await tenant();
      const { code, verifier } = await signIn(server(), tt, { scope: 'openid offline_access' });
      const first = await redeem(server(), tt, code, verifier);
      assert.equal(first.status, 200, JSON.stringify(first.body));
      const accessToken = String(first.body.access_token);
      const refreshToken = String(first.body.refresh_token);
      assert.ok(first.body.refresh_token, 'offline_access gives a refresh token');
      assert.equal((await userinfo(server(), tt, accessToken)).status, 200);

      const replay = await redeem(server(), tt, code, verifier);
      assert.equal(replay.status, 400);
      assert.equal(replay.body.error, 'invalid_grant');
      assert.equal(replay.body.access_token, undefined);

      const info = await userinfo(server(), tt, accessToken);
      assert.equal(info.status, 401, 'the access token of the first redemption is revoked');
      assert.match(info.headers.get('www-authenticate') ?? '', /invalid_token/);
      const refreshed = await tokenRequest(server(), tt, { grant_type: 'refresh_token', refresh_token: refreshToken });
      assert.equal(refreshed.body.error, 'invalid_grant', 'the refresh token of the first redemption is revoked');
    });

    it('F9: concurrent redemptions of one code never give tokens twice', async () => {
      const tt = await tenant();
      // A first redemption warms the client up: the race only shows once the client is cached.
      const first = await signIn(server(), tt);
      assert.equal((await redeem(server(), tt, first.code, first.verifier)).status, 200);
      const request = authorizationRequest(server(), tt);
      const { code } = await authorizeInBrowser(first.browser, request.url);
      assert.ok(code);
      const results = await Promise.all(Array.from({ length: 5 }, () => redeem(server(), tt, code, request.verifier)));
      const issued = results.filter((r) => r.status === 200);
      assert.ok(issued.length <= 1, `${issued.length} redemptions of one code got tokens`);
      for (const r of results.filter((r) => r.status !== 200)) assert.equal(r.body.error, 'invalid_grant');
    });

    it('F10: a code is refused once its 60 s lifetime is over (process clock moved, no sleep)', async (t) => {
      const tt = await tenant();
      const { code, verifier } = await signIn(server(), tt);
      clockTravel(t).advance(61_000);
      const late = await redeem(server(), tt, code, verifier);
      assert.equal(late.status, 400);
      assert.equal(late.body.error, 'invalid_grant');
    });

    it('F10: a code redeemed within its lifetime (58 s later) works', async (t) => {
      const tt = await tenant();
      const { code, verifier } = await signIn(server(), tt);
      clockTravel(t).advance(58_000);
      assert.equal((await redeem(server(), tt, code, verifier)).status, 200);
    });

    it("F11: another app cannot redeem a code, even with that app's valid credentials", async () => {
      const tt = await tenant();
      const other = await addApp(server(), tt, { type: 'confidential', redirectUris: [tt.redirectUri] });
      const { code, verifier } = await signIn(server(), tt);
      const stolen = await redeem(server(), other, code, verifier);
      assert.equal(stolen.status, 400, JSON.stringify(stolen.body));
      assert.equal(stolen.body.error, 'invalid_grant');
      const publicOther = await addApp(server(), tt, { type: 'public', redirectUris: [tt.redirectUri] });
      assert.equal((await redeem(server(), publicOther, code, verifier)).body.error, 'invalid_grant');
      // The rightful app still can: a failed cross-client attempt does not burn the code.
      assert.equal((await redeem(server(), tt, code, verifier)).status, 200);
    });

    it('F11: a code is bound to the redirect_uri of its authorization request', async () => {
      const tt = await tenant();
      const app = await addApp(server(), tt, { type: 'public', redirectUris: ['https://app.example/one', 'https://app.example/two'] });
      const { code, verifier } = await signIn(server(), app, { redirect_uri: 'https://app.example/one' });
      const other = await redeem(server(), app, code, verifier, { redirect_uri: 'https://app.example/two' });
      assert.equal(other.status, 400);
      assert.equal(other.body.error, 'invalid_grant');
      const missing = await tokenRequest(server(), app, { grant_type: 'authorization_code', code, code_verifier: verifier });
      assert.equal(missing.status, 400, 'with two registered URIs the redirect_uri cannot be omitted');
    });

    it('F15: a request without response_type gets an error and no code', async () => {
      const tt = await tenant();
      const request = authorizationRequest(server(), tt, { response_type: '' });
      assertErrorRedirect(await fetch(request.url, { redirect: 'manual' }), tt, { error: 'invalid_request', state: request.state });
    });

    it('F30: the authorization response carries iss equal to the tenant issuer, on success and on error', async () => {
      const tt = await tenant();
      const { callbackUrl } = await signIn(server(), tt);
      assert.equal(callbackUrl.searchParams.get('iss'), tt.issuer);
      const failed = await fetch(authorizationRequest(server(), tt, { prompt: 'none' }).url, { redirect: 'manual' });
      const location = assertErrorRedirect(failed, tt, { error: 'login_required' });
      assert.equal(location.searchParams.get('iss'), tt.issuer);
    });

    it('F32: every credential POST of the sign-in journey answers 303', async () => {
      const tt = await tenant();
      const { postStatuses } = await signIn(server(), tt);
      assert.ok(postStatuses.length >= 2);
      assert.deepEqual(
        postStatuses,
        postStatuses.map(() => 303),
      );
    });
  });
}
