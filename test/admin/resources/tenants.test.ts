import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { signInForTokens, userinfo } from '../../http/oidc/oidc-kit.ts';
import { adminCaller } from '../../fixtures/admin.ts';
import { dialects } from '../../fixtures/server.ts';
import { readThenWrite, suiteWorld, tenantWithAdmin } from './support.ts';

const freshName = () => `t-${randomBytes(4).toString('hex')}`;

for (const dialect of dialects()) {
  describe(`admin API: tenants and signing keys (${dialect})`, () => {
    const world = suiteWorld(dialect);

    it('creates a tenant with a published key, renames it with If-Match, and lists it', async () => {
      const global = await adminCaller(world().server, { role: 'global_admin' });
      const name = freshName();
      const created = await global('POST', '/admin/v1/tenants', { name, displayName: 'Contoso' });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal((await global('POST', '/admin/v1/tenants', { name })).body.error.code, 'tenant_exists');
      assert.equal((await global('POST', '/admin/v1/tenants', { name: 'admin' })).body.error.code, 'invalid_tenant_name');
      const renamed = await readThenWrite(global, 'PATCH', `/admin/v1/tenants/${name}`, () => ({ displayName: 'Contoso Ltd' }));
      assert.deepEqual([renamed.status, renamed.body.displayName, renamed.body.name], [200, 'Contoso Ltd', name]);
      const jwks = (await (await fetch(`${world().server.baseUrl}/${name}/discovery/v2.0/keys`)).json()) as { keys: Array<{ kid: string }> };
      const keys = await global('GET', `/admin/v1/tenants/${name}/keys`);
      assert.deepEqual(
        keys.body.items.map((k: { kid: string }) => k.kid),
        jwks.keys.map((k) => k.kid),
      );
      let cursor: string | null = null;
      const seen: string[] = [];
      do {
        const page = await global('GET', `/admin/v1/tenants?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...page.body.items.map((t: { name: string }) => t.name));
        cursor = page.body.nextCursor;
      } while (cursor);
      assert.ok(seen.includes(name) && !seen.includes('admin'), 'customer tenants only, a page at a time');
    });

    it('shows a tenant administrator only its tenants, and lets it rotate keys but not create tenants', async () => {
      const { call, tt, base } = await tenantWithAdmin(world());
      const listed = await call('GET', '/admin/v1/tenants');
      assert.deepEqual(
        listed.body.items.map((t: { name: string }) => t.name),
        [tt.tenant.name],
      );
      assert.equal((await call('POST', '/admin/v1/tenants', { name: freshName() })).status, 403);
      const before = (await call('GET', `${base}/keys`)).body.items;
      const rotated = await call('POST', `${base}/keys/rotate`);
      assert.equal(rotated.status, 201);
      const after = (await call('GET', `${base}/keys`)).body.items;
      assert.deepEqual(
        after.map((k: { kid: string; status: string }) => [k.kid, k.status]).sort(),
        [
          [rotated.body.kid, 'active'],
          [before[0].kid, 'retired'],
        ].sort(),
      );
    });

    /** Found while fuzzing the admin API (changes racing a deletion): changes that did not take the tenant's lock wrote rows of a deleted tenant (500). */
    it('a tenant deleted while changes to it are in flight: each change is done or tenant_not_found, never a 500', async () => {
      const global = await adminCaller(world().server, { role: 'global_admin' });
      const star = { 'if-match': '*' };
      for (let round = 0; round < 3; round++) {
        const { tt, base } = await tenantWithAdmin(world());
        const [deleted, ...changes] = await Promise.all([
          global('DELETE', base, { confirm: tt.tenant.name }, star),
          global('POST', `${base}/keys/rotate`),
          global('POST', `${base}/users`, { email: `new-${round}@example.com`, password: 'Quartz lantern 7 orbit' }),
          global('POST', `${base}/users/${tt.user.id}/password`, {}),
          global('POST', `${base}/users/${tt.user.id}/revoke-sessions`),
          global('POST', `${base}/apps`, { name: 'Web', type: 'confidential', redirectUris: ['https://web.example/cb'] }),
          global('POST', `${base}/groups`, { name: 'Staff' }),
          global('POST', `${base}/custom-attributes`, { name: 'nickname', type: 'string' }),
          global('POST', `${base}/user-flows`, { name: 'Codes', methods: ['email_otp'] }),
          global('PUT', `${base}/policies/lockout`, { threshold: 5, durationMs: 60_000, growthFactor: 2, maxDurationMs: 3_600_000 }, star),
          global('PATCH', base, { displayName: 'Renamed' }, star),
        ]);
        assert.equal(deleted?.status, 204);
        for (const answer of changes) {
          assert.ok(answer.status < 300 || answer.body.error.code === 'tenant_not_found', `${answer.status} ${JSON.stringify(answer.body)}`);
        }
      }
    });

    it('deletes a tenant only with its name as confirmation and a current If-Match', async () => {
      const global = await adminCaller(world().server, { role: 'global_admin' });
      const { tt, base } = await tenantWithAdmin(world());
      // H13: what the tenant issued dies with it; another tenant's is untouched.
      const issued = await signInForTokens(world().server, tt);
      const other = await tenantWithAdmin(world());
      const otherIssued = await signInForTokens(world().server, other.tt);
      const { headers } = await global('GET', base);
      const etag = headers.get('etag') as string;
      const wrong = await global('DELETE', base, { confirm: 'something-else' }, { 'if-match': etag });
      assert.deepEqual([wrong.status, wrong.body.error.code], [400, 'confirmation_mismatch']);
      assert.equal((await global('DELETE', base, { confirm: tt.tenant.name })).status, 428);
      assert.equal((await global('DELETE', base, { confirm: tt.tenant.name }, { 'if-match': etag })).status, 204);
      assert.equal((await global('GET', base)).status, 404);
      assert.equal((await fetch(`${world().server.baseUrl}/${tt.tenant.name}/v2.0/.well-known/openid-configuration`)).status, 404);
      assert.equal(await world().server.latchkey.services.deps.store.users.findById(tt.tenant.id, tt.user.id), undefined, 'its users are gone');
      assert.notEqual((await userinfo(world().server, tt, issued.tokens.access_token)).status, 200, 'its access token is dead');
      assert.equal((await userinfo(world().server, other.tt, otherIssued.tokens.access_token)).status, 200, 'another tenant is unaffected');
      assert.equal(
        (await global('DELETE', '/admin/v1/tenants/admin', { confirm: 'admin' }, { 'if-match': '*' })).status,
        404,
        'the admin directory is not a customer tenant',
      );
    });
  });
}
