import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { adminCaller, bearerCaller } from '../../fixtures/admin.ts';
import { dialects } from '../../fixtures/server.ts';
import { createTestTenant } from '../../fixtures/tenants.ts';
import { Journey } from '../../fixtures/journey.ts';
import { signInToAdminDirectory, strongPassword, suiteServer } from './support.ts';

const email = () => `admin-${randomBytes(4).toString('hex')}@example.com`;

for (const dialect of dialects()) {
  describe(`admin API authentication (${dialect})`, () => {
    const server = suiteServer(dialect);

    it('answers 401 with WWW-Authenticate: Bearer and no data when no token is sent', async () => {
      const answer = await bearerCaller(server(), undefined)('GET', '/admin/v1/me');
      assert.equal(answer.status, 401);
      assert.equal(answer.body.error.code, 'unauthenticated');
      assert.match(answer.headers.get('www-authenticate') ?? '', /^Bearer realm="latchkey-admin"$/);
      assert.equal(answer.headers.get('cache-control'), 'no-store');
    });

    it('answers 401 invalid_token for a malformed header, a wrong key and a made-up token', async () => {
      const key = await server().latchkey.services.admin.createApiKey({ name: 'real', grants: [{ role: 'global_admin' }] }, 'cli');
      const wrongSecret = `${key.secret.slice(0, -4)}AAAA`;
      for (const header of [`Basic ${Buffer.from('admin:admin').toString('base64')}`, 'Bearer', `Bearer ${wrongSecret}`, 'Bearer lk_nonsense', `Bearer ${randomBytes(32).toString('base64url')}`, `bearer ${key.secret} extra`, `Bearer ${'a'.repeat(2000)}`, `Bearer ${'a'.repeat(5000)}`]) {
        const answer = await bearerCaller(server(), undefined)('GET', '/admin/v1/me', undefined, { authorization: header });
        assert.equal(answer.status, 401, header);
        assert.match(answer.headers.get('www-authenticate') ?? '', /error="invalid_token"/, header);
      }
    });

    it('accepts an API key, in any case of "Bearer", and records its last use', async () => {
      const { services } = server().latchkey;
      const key = await services.admin.createApiKey({ name: 'ci', grants: [{ role: 'auditor' }] }, 'cli');
      const answer = await bearerCaller(server(), undefined)('GET', '/admin/v1/me', undefined, { authorization: `bearer ${key.secret}` });
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.body, { kind: 'api_key', id: key.key.id, label: 'ci', roles: [{ role: 'auditor', tenants: 'all' }] });
      const listed = (await services.admin.listApiKeys()).find((k) => k.id === key.key.id);
      assert.ok(listed?.lastUsedAt);
    });

    it('refuses a revoked API key at once', async () => {
      const { services } = server().latchkey;
      const key = await services.admin.createApiKey({ name: 'soon revoked', grants: [{ role: 'global_admin' }] }, 'cli');
      const call = bearerCaller(server(), key.secret);
      assert.equal((await call('GET', '/admin/v1/me')).status, 200);
      await services.admin.revokeApiKey(key.key.id, 'cli');
      assert.equal((await call('GET', '/admin/v1/me')).status, 401);
    });

    it('stores only a hash of the key: the secret appears in no listing', async () => {
      const { services } = server().latchkey;
      const key = await services.admin.createApiKey({ name: 'hashed', grants: [{ role: 'global_admin' }] }, 'cli');
      assert.match(key.secret, /^lk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
      const call = await adminCaller(server(), { role: 'global_admin' });
      const listed = await call('GET', '/admin/v1/api-keys');
      assert.equal(listed.status, 200);
      assert.ok(!JSON.stringify(listed.body).includes(key.secret.slice(20)));
      assert.ok(!JSON.stringify(listed.body).includes('secretHash'));
      const stored = await services.deps.store.apiKeys.findById(key.key.id);
      assert.ok(stored && !stored.secretHash.includes(key.secret.slice(20)));
    });

    it('accepts an access token of an administrator who signed in through the hosted pages', async () => {
      const { services } = server().latchkey;
      const password = strongPassword();
      const address = email();
      await services.admin.createAdmin({ email: address, password, grants: [{ role: 'global_admin' }] }, 'cli');
      const { accessToken } = await signInToAdminDirectory(server(), address, password);
      const answer = await bearerCaller(server(), accessToken)('GET', '/admin/v1/me');
      assert.equal(answer.status, 200);
      assert.equal(answer.body.kind, 'admin');
      assert.equal(answer.body.label, address);
      assert.deepEqual(answer.body.roles, [{ role: 'global_admin', tenants: 'all' }]);
    });

    it('refuses an expired admin access token', async () => {
      const { services } = server().latchkey;
      const password = strongPassword();
      const address = email();
      await services.admin.createAdmin({ email: address, password, grants: [{ role: 'global_admin' }] }, 'cli');
      const { accessToken } = await signInToAdminDirectory(server(), address, password);
      const call = bearerCaller(server(), accessToken);
      assert.equal((await call('GET', '/admin/v1/me')).status, 200);
      // Age the stored token past its expiry, as an hour would.
      const directory = await services.admin.directory();
      const artifacts = services.deps.store.oidcArtifacts;
      const stored = await artifacts.find(directory.id, 'AccessToken', accessToken);
      assert.ok(stored);
      const past = Math.floor(Date.now() / 1000) - 60;
      await artifacts.upsert(directory.id, 'AccessToken', accessToken, { ...stored.payload, iat: past - 3600, exp: past }, past * 1000);
      const answer = await call('GET', '/admin/v1/me');
      assert.equal(answer.status, 401);
      assert.match(answer.headers.get('www-authenticate') ?? '', /invalid_token/);
    });

    it('refuses the ID token of an administrator, and tokens of a customer tenant', async () => {
      const { services } = server().latchkey;
      const password = strongPassword();
      const address = email();
      await services.admin.createAdmin({ email: address, password, grants: [{ role: 'global_admin' }] }, 'cli');
      const { idToken } = await signInToAdminDirectory(server(), address, password);
      assert.equal((await bearerCaller(server(), idToken)('GET', '/admin/v1/me')).status, 401);
      // A customer of a tenant, even one whose email is an admin's, gets nothing from the admin API.
      const tt = await createTestTenant(server(), { email: address });
      const { journey, page } = await Journey.begin(server(), tt);
      const done = await journey.submit(await journey.submit(page, '/email', { email: address }), '/password', { password: tt.password });
      const tokens = await journey.tokens(done);
      assert.equal((await bearerCaller(server(), tokens.access_token)('GET', '/admin/v1/me')).status, 401);
      assert.equal((await bearerCaller(server(), tokens.id_token)('GET', '/admin/v1/me')).status, 401);
    });
  });
}
