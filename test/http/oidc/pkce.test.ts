import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { dialects } from '../../fixtures/server.ts';
import { assertErrorRedirect, authorizationRequest, authorizeInBrowser, redeem, s256, signIn, suiteFixture } from './oidc-kit.ts';

/** A verifier of `length` characters from the RFC 7636 unreserved set. */
const verifierOf = (length: number) => randomBytes(length).toString('base64url').slice(0, length);

for (const dialect of dialects()) {
  describe(`PKCE (${dialect})`, () => {
    const { server, tenant } = suiteFixture(dialect);

    for (const type of ['public', 'confidential'] as const) {
      it(`F5/F8: a ${type} app without code_challenge gets invalid_request and no code`, async () => {
        const tt = await tenant({ type });
        const request = authorizationRequest(server(), tt, { code_challenge: '', code_challenge_method: '' });
        const response = await fetch(request.url, { redirect: 'manual' });
        assertErrorRedirect(response, tt, { error: 'invalid_request', state: request.state });
      });
    }

    it('F6: code_challenge_method=plain is refused, even with a verifier-shaped challenge', async () => {
      const tt = await tenant();
      const verifier = verifierOf(64);
      const request = authorizationRequest(server(), tt, { code_challenge: verifier, code_challenge_method: 'plain' });
      assertErrorRedirect(await fetch(request.url, { redirect: 'manual' }), tt, { error: 'invalid_request', state: request.state });
    });

    it('F6: a challenge without a method is refused (the plain default of RFC 7636 is not applied)', async () => {
      const tt = await tenant();
      const request = authorizationRequest(server(), tt, { code_challenge_method: '' });
      assertErrorRedirect(await fetch(request.url, { redirect: 'manual' }), tt, { error: 'invalid_request', state: request.state });
    });

    it('F7: a wrong or missing code_verifier is invalid_grant, and the right one still redeems the code', async () => {
      const tt = await tenant();
      const { code, verifier } = await signIn(server(), tt);
      const wrong = await redeem(server(), tt, code, verifierOf(64));
      assert.equal(wrong.status, 400);
      assert.equal(wrong.body.error, 'invalid_grant');
      const missing = await redeem(server(), tt, code, '');
      assert.equal(missing.status, 400);
      assert.equal(missing.body.error, 'invalid_grant');
      const right = await redeem(server(), tt, code, verifier);
      assert.equal(right.status, 200, JSON.stringify(right.body));
      assert.ok(right.body.access_token);
    });

    it('F7: verifiers of 42 and 129 characters are refused even when they match the challenge', async () => {
      const tt = await tenant();
      const { browser } = await signIn(server(), tt);
      for (const length of [42, 129]) {
        const verifier = verifierOf(length);
        const request = authorizationRequest(server(), tt, { code_challenge: s256(verifier) });
        const { code } = await authorizeInBrowser(browser, request.url);
        assert.ok(code, 'the signed-in browser gets a code without a page');
        const response = await redeem(server(), tt, code, verifier);
        assert.equal(response.status, 400, `${length}: ${JSON.stringify(response.body)}`);
        assert.match(String(response.body.error), /^invalid_(request|grant)$/);
      }
    });

    it('F7: a code_challenge shorter than 43 characters is refused at the authorization endpoint', async () => {
      const tt = await tenant();
      const request = authorizationRequest(server(), tt, { code_challenge: 'a'.repeat(42) });
      assertErrorRedirect(await fetch(request.url, { redirect: 'manual' }), tt, { error: 'invalid_request', state: request.state });
    });
  });
}
