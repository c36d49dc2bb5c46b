import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeProtectedHeader } from 'jose';
import { dialects } from '../../fixtures/server.ts';
import {
  authorizationRequest,
  endpoints,
  locationOf,
  redeem,
  signIn,
  signInForTokens,
  suiteFixture,
  tokenRequest,
  userinfo,
  verifyIdToken,
} from './oidc-kit.ts';

for (const dialect of dialects()) {
  describe(`token endpoint, ID token and userinfo (${dialect})`, () => {
    const { server, tenant } = suiteFixture(dialect);

    it('F12: implicit and hybrid response types are refused with unsupported_response_type and no token', async () => {
      const tt = await tenant();
      for (const responseType of ['token', 'id_token token', 'id_token', 'code id_token', 'code token']) {
        const request = authorizationRequest(server(), tt, { response_type: responseType });
        const response = await fetch(request.url, { redirect: 'manual' });
        const location = locationOf(response, request.url.href);
        assert.ok(location, `${responseType}: an error redirect to the registered URI`);
        assert.equal(`${location.origin}${location.pathname}`, tt.redirectUri);
        const answer = new URLSearchParams(location.hash.slice(1) || location.search.slice(1));
        assert.equal(answer.get('error'), 'unsupported_response_type', responseType);
        for (const leaked of ['access_token', 'id_token', 'code']) assert.equal(answer.get(leaked), null, `${responseType}: ${leaked}`);
      }
    });

    it('F12/F13: the password (ROPC) and client_credentials grants are refused as unsupported', async () => {
      const tt = await tenant({ type: 'confidential' });
      const ropc = await tokenRequest(server(), tt, { grant_type: 'password', username: tt.user.email, password: tt.password, scope: 'openid' });
      assert.equal(ropc.status, 400);
      assert.equal(ropc.body.error, 'unsupported_grant_type');
      assert.equal(ropc.body.access_token, undefined);
      const clientCredentials = await tokenRequest(server(), tt, { grant_type: 'client_credentials' });
      assert.equal(clientCredentials.status, 400);
      assert.equal(clientCredentials.body.error, 'unsupported_grant_type');
    });

    for (const method of ['client_secret_basic', 'client_secret_post'] as const) {
      it(`F14: ${method}: no or a wrong client secret gets 401 invalid_client; the right one works`, async () => {
        const tt = await tenant({ type: 'confidential' });
        const basic = method === 'client_secret_basic';
        const { code, verifier } = await signIn(server(), tt);
        const withSecret = (secret: string) =>
          redeem(server(), tt, code, verifier, basic ? {} : { client_secret: secret }, basic ? { secret } : { secret: null });
        const none = await redeem(server(), tt, code, verifier, {}, { secret: null });
        assert.equal(none.status, 401);
        assert.equal(none.body.error, 'invalid_client');
        for (const wrongSecret of [`${tt.clientSecret}x`, String(tt.clientSecret).slice(1), 'secret']) {
          const wrong = await withSecret(wrongSecret);
          assert.equal(wrong.status, 401);
          assert.equal(wrong.body.error, 'invalid_client');
        }
        const right = await withSecret(String(tt.clientSecret));
        assert.equal(right.status, 200, 'failed client authentication does not burn the code');
      });
    }

    it('F14: a public app cannot redeem with a made-up secret, and both methods at once are refused', async () => {
      const tt = await tenant({ type: 'confidential' });
      const { code, verifier } = await signIn(server(), tt);
      const both = await redeem(server(), tt, code, verifier, { client_secret: String(tt.clientSecret) });
      assert.equal(both.status, 400, 'two authentication mechanisms in one request');
      assert.equal(both.body.error, 'invalid_request');
      const publicApp = await tenant({ type: 'public' });
      const signedIn = await signIn(server(), publicApp);
      const guessed = await redeem(server(), publicApp, signedIn.code, signedIn.verifier, {}, { secret: 'made-up' });
      assert.equal(guessed.status, 401);
      assert.equal(guessed.body.error, 'invalid_client');
    });

    it('F16: the ID token carries iss, sub, aud, exp, iat and nonce, is RS256-signed with a kid from JWKS', async () => {
      const tt = await tenant();
      const { tokens, nonce } = await signInForTokens(server(), tt);
      const header = decodeProtectedHeader(tokens.id_token);
      assert.equal(header.alg, 'RS256');
      const jwks = (await (await fetch(endpoints(server(), tt.tenant.name).jwks)).json()) as { keys: { kid: string }[] };
      assert.ok(
        jwks.keys.some((k) => k.kid === header.kid),
        'kid is published',
      );
      const claims = await verifyIdToken(server(), tt, tokens.id_token);
      const discovery = (await (await fetch(endpoints(server(), tt.tenant.name).discovery)).json()) as { issuer: string };
      assert.equal(claims.iss, discovery.issuer);
      assert.equal(claims.iss, tt.issuer);
      assert.equal(claims.sub, tt.user.id);
      assert.match(String(claims.sub), /^[\x21-\x7e]{1,255}$/, 'sub is at most 255 printable ASCII characters');
      assert.ok(Array.isArray(claims.aud) ? claims.aud.includes(tt.app.id) : claims.aud === tt.app.id);
      assert.equal(claims.nonce, nonce);
      assert.equal(typeof claims.iat, 'number');
      assert.equal(typeof claims.auth_time, 'number', 'auth_time is always present (require_auth_time)');
      assert.ok(typeof claims.exp === 'number' && typeof claims.iat === 'number' && claims.exp > claims.iat);
    });

    it('F16: sub is stable across sign-ins of the same user', async () => {
      const tt = await tenant();
      const first = await verifyIdToken(server(), tt, (await signInForTokens(server(), tt)).tokens.id_token);
      const second = await verifyIdToken(server(), tt, (await signInForTokens(server(), tt)).tokens.id_token);
      assert.equal(first.sub, second.sub);
    });

    it('F17/F18: without a nonce the code flow still succeeds, with an RS256 ID token that has no nonce', async () => {
      const tt = await tenant();
      const { tokens } = await signInForTokens(server(), tt, { nonce: '' });
      assert.equal(decodeProtectedHeader(tokens.id_token).alg, 'RS256');
      const claims = await verifyIdToken(server(), tt, tokens.id_token);
      assert.equal(claims.nonce, undefined);
    });

    it('F19: userinfo accepts a Bearer header on GET and POST and a form-body token, never a query token', async () => {
      const tt = await tenant();
      const { tokens } = await signInForTokens(server(), tt, { scope: 'openid email' });
      const url = endpoints(server(), tt.tenant.name).userinfo;
      for (const method of ['GET', 'POST']) {
        const response = await userinfo(server(), tt, tokens.access_token, { method });
        assert.equal(response.status, 200, method);
        assert.equal(response.body.sub, tt.user.id);
      }
      const body = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ access_token: tokens.access_token }).toString(),
      });
      assert.equal(body.status, 200, 'form-body tokens are supported (RFC 6750 §2.2), as the OIDF plan tests');
      const query = await fetch(`${url}?access_token=${encodeURIComponent(tokens.access_token)}`);
      assert.equal(query.status, 400);
      const refused = (await query.json()) as Record<string, unknown>;
      assert.equal(refused.error, 'invalid_request');
      assert.equal(refused.sub, undefined);
      const noToken = await fetch(url);
      assert.equal(noToken.status, 401);
    });

    it('F20: each scope releases only its own claims, in any order; unknown scopes are ignored', async () => {
      const tt = await tenant();
      const cases: { scope: string; has: string[]; lacks: string[] }[] = [
        { scope: 'openid', has: ['sub'], lacks: ['email', 'name', 'preferred_username'] },
        { scope: 'openid email', has: ['sub', 'email', 'email_verified'], lacks: ['name', 'preferred_username'] },
        { scope: 'openid profile', has: ['sub', 'name', 'preferred_username'], lacks: ['email', 'email_verified'] },
        { scope: 'email profile openid', has: ['sub', 'email', 'name'], lacks: [] },
        { scope: 'openid address phone', has: ['sub'], lacks: ['address', 'phone_number', 'email', 'name'] },
      ];
      for (const { scope, has, lacks } of cases) {
        const { tokens } = await signInForTokens(server(), tt, { scope });
        const granted = new Set(String(tokens.scope).split(' '));
        for (const unknown of ['address', 'phone']) assert.equal(granted.has(unknown), false, `${scope}: ${unknown} granted`);
        const idClaims = await verifyIdToken(server(), tt, tokens.id_token);
        const info = await userinfo(server(), tt, tokens.access_token);
        assert.equal(info.status, 200);
        for (const claim of has) assert.ok(claim in info.body && claim in idClaims, `${scope}: ${claim} missing`);
        for (const claim of lacks) assert.ok(!(claim in info.body) && !(claim in idClaims), `${scope}: ${claim} released`);
      }
    });

    it('refresh tokens rotate, and concurrent uses of one refresh token never yield two token sets', async () => {
      const tt = await tenant();
      const { tokens } = await signInForTokens(server(), tt, { scope: 'openid offline_access' });
      // A first refresh warms the client up: the race only shows once the client is cached.
      const rotated = await tokenRequest(server(), tt, { grant_type: 'refresh_token', refresh_token: String(tokens.refresh_token) });
      assert.equal(rotated.status, 200);
      assert.notEqual(rotated.body.refresh_token, tokens.refresh_token);
      const form = { grant_type: 'refresh_token', refresh_token: String(rotated.body.refresh_token) };
      const results = await Promise.all(Array.from({ length: 5 }, () => tokenRequest(server(), tt, form)));
      const issued = results.filter((r) => r.status === 200);
      assert.ok(issued.length <= 1, `${issued.length} refreshes with one refresh token succeeded`);
    });
  });
}
