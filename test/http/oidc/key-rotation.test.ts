import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dialects } from '../../fixtures/server.ts';
import { createTestTenant } from '../../fixtures/tenants.ts';
import { clockTravel, endpoints, kidOf, signInForTokens, suiteFixture, tokenRequest, verifyIdToken } from './oidc-kit.ts';

/**
 * Each node re-reads a tenant's config version at most every 5 s (provider-cache.ts). Rather than
 * sleep, these tests move the process clock past that window; see the report for an in-process
 * invalidation hook that would make this immediate for the node that rotated. Rotation changes
 * the tenant, so each test makes its own tenant rather than using the suite's.
 */
const PAST_RECHECK_MS = 6_000;

for (const dialect of dialects()) {
  describe(`signing key rotation (${dialect})`, () => {
    const { server } = suiteFixture(dialect);

    it('F31: after rotation new tokens carry the new kid, and tokens from before still verify against JWKS', async (t) => {
      const clock = clockTravel(t);
      const tt = await createTestTenant(server());
      const before = await signInForTokens(server(), tt, { scope: 'openid offline_access' });
      const oldKid = kidOf(before.tokens.id_token);
      assert.ok(oldKid);

      const rotated = await server().latchkey.services.tenants.rotateKeys(tt.tenant.id);
      assert.notEqual(rotated.kid, oldKid);
      clock.advance(PAST_RECHECK_MS);

      const jwks = (await (await fetch(endpoints(server(), tt.tenant.name).jwks)).json()) as { keys: { kid: string }[] };
      const published = jwks.keys.map((k) => k.kid);
      assert.ok(published.includes(rotated.kid), 'the new key is published');
      assert.ok(published.includes(oldKid), 'the retired key stays published for the overlap');

      const after = await signInForTokens(server(), tt);
      assert.equal(kidOf(after.tokens.id_token), rotated.kid);
      await verifyIdToken(server(), tt, before.tokens.id_token);
      await verifyIdToken(server(), tt, after.tokens.id_token);

      const refreshed = await tokenRequest(server(), tt, { grant_type: 'refresh_token', refresh_token: String(before.tokens.refresh_token) });
      assert.equal(refreshed.status, 200, 'a refresh token from before the rotation still works');
      assert.equal(kidOf(String(refreshed.body.id_token)), rotated.kid, 'and its new ID token is signed with the new key');
    });

    it('F31: rotating twice keeps every key whose tokens may still be alive', async (t) => {
      const clock = clockTravel(t);
      const tt = await createTestTenant(server());
      const first = await signInForTokens(server(), tt);
      const second = await server().latchkey.services.tenants.rotateKeys(tt.tenant.id);
      const third = await server().latchkey.services.tenants.rotateKeys(tt.tenant.id);
      clock.advance(PAST_RECHECK_MS);
      const jwks = (await (await fetch(endpoints(server(), tt.tenant.name).jwks)).json()) as { keys: { kid: string }[] };
      const published = jwks.keys.map((k) => k.kid);
      for (const kid of [kidOf(first.tokens.id_token), second.kid, third.kid]) assert.ok(published.includes(String(kid)), `${kid} missing`);
      await verifyIdToken(server(), tt, first.tokens.id_token);
      assert.equal(kidOf((await signInForTokens(server(), tt)).tokens.id_token), third.kid);
    });
  });
}
