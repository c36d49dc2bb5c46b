import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HttpBrowser, signInThroughPages } from '../../fixtures/http-browser.ts';
import { dialects } from '../../fixtures/server.ts';
import { assertErrorRedirect, authorizationRequest, authorizeInBrowser, clockTravel, redeem, signIn, suiteFixture, verifyIdToken } from './oidc-kit.ts';

for (const dialect of dialects()) {
  describe(`prompt and max_age (${dialect})`, () => {
    const { server, tenant } = suiteFixture(dialect);

    it('F21: prompt=none without a session redirects with login_required and the state, showing no page', async () => {
      const tt = await tenant();
      const request = authorizationRequest(server(), tt, { prompt: 'none' });
      const response = await fetch(request.url, { redirect: 'manual' });
      const location = assertErrorRedirect(response, tt, { error: 'login_required', state: request.state });
      assert.equal(location.searchParams.get('iss'), tt.issuer);
    });

    it('F22: prompt=none with a session returns a code without any page, and the code redeems', async () => {
      const tt = await tenant();
      const { browser } = await signIn(server(), tt);
      const request = authorizationRequest(server(), tt, { prompt: 'none' });
      const silent = await authorizeInBrowser(browser, request.url);
      assert.ok(silent.code, `no code: ${silent.landed.href}`);
      assert.equal(silent.landed.searchParams.get('state'), request.state);
      const tokens = await redeem(server(), tt, silent.code, request.verifier);
      assert.equal(tokens.status, 200);
    });

    it('F23: prompt=login asks for credentials despite a live session, and auth_time increases', async (t) => {
      const clock = clockTravel(t);
      const tt = await tenant();
      const first = await signIn(server(), tt);
      const firstClaims = await verifyIdToken(server(), tt, String((await redeem(server(), tt, first.code, first.verifier)).body.id_token));
      clock.advance(5_000);
      const request = authorizationRequest(server(), tt, { prompt: 'login' });
      const shown = await authorizeInBrowser(first.browser, request.url);
      assert.equal(shown.atApp, false, 'the sign-in page is shown');
      assert.equal(shown.response.status, 200);
      const again = await signInThroughPages(first.browser, request.url.href, tt.user.email, tt.password);
      const code = again.callbackUrl.searchParams.get('code') ?? '';
      const secondClaims = await verifyIdToken(server(), tt, String((await redeem(server(), tt, code, request.verifier)).body.id_token));
      assert.equal(typeof firstClaims.auth_time, 'number');
      assert.ok(Number(secondClaims.auth_time) >= Number(firstClaims.auth_time) + 5, `${secondClaims.auth_time} vs ${firstClaims.auth_time}`);
    });

    it('F24: max_age=1 two seconds after sign-in forces re-authentication; max_age=10000 does not; auth_time is in both', async (t) => {
      const clock = clockTravel(t);
      const tt = await tenant();
      const { browser } = await signIn(server(), tt);
      clock.advance(2_000);

      const relaxed = authorizationRequest(server(), tt, { max_age: '10000' });
      const silent = await authorizeInBrowser(browser, relaxed.url);
      assert.ok(silent.code, 'max_age=10000 reuses the session');
      const relaxedClaims = await verifyIdToken(server(), tt, String((await redeem(server(), tt, silent.code, relaxed.verifier)).body.id_token));
      assert.equal(typeof relaxedClaims.auth_time, 'number');

      const strict = authorizationRequest(server(), tt, { max_age: '1' });
      const shown = await authorizeInBrowser(browser, strict.url);
      assert.equal(shown.atApp, false, 'max_age=1 shows the sign-in page');
      const fresh = await signInThroughPages(browser, strict.url.href, tt.user.email, tt.password);
      const code = fresh.callbackUrl.searchParams.get('code') ?? '';
      const strictClaims = await verifyIdToken(server(), tt, String((await redeem(server(), tt, code, strict.verifier)).body.id_token));
      assert.equal(typeof strictClaims.auth_time, 'number');
      assert.ok(Number(strictClaims.auth_time) > Number(relaxedClaims.auth_time));
    });

    it('F24: prompt=none with max_age exceeded answers login_required instead of reusing the session', async (t) => {
      const clock = clockTravel(t);
      const tt = await tenant();
      const { browser } = await signIn(server(), tt);
      clock.advance(2_000);
      const request = authorizationRequest(server(), tt, { prompt: 'none', max_age: '1' });
      const response = await browser.get(request.url.href);
      assertErrorRedirect(response, tt, { error: 'login_required', state: request.state });
    });

    it('F21: a session of another browser does not leak into prompt=none', async () => {
      const tt = await tenant();
      await signIn(server(), tt);
      const request = authorizationRequest(server(), tt, { prompt: 'none' });
      const response = await new HttpBrowser().get(request.url.href);
      assertErrorRedirect(response, tt, { error: 'login_required', state: request.state });
    });
  });
}
