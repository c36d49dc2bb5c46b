import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { testCore } from '../../../test/fixtures/core.ts';
import { DomainError, type ErrorCode } from '../errors.ts';
import { createTenantService } from '../tenants/tenant-service.ts';
import { createAppService, hashClientSecret } from './app-service.ts';

const failsWith = (code: ErrorCode) => (error: unknown) => error instanceof DomainError && error.code === code;

async function setup(t: { after(fn: () => Promise<void>): void }) {
  const core = await testCore(t);
  const tenant = await createTenantService(core.deps).create('contoso');
  return { ...core, tenant, apps: createAppService(core.deps) };
}

describe('app registration', () => {
  describe('a confidential app', () => {
    it('gets a 256-bit client secret, returned by create', async (t) => {
      const { apps, tenant } = await setup(t);
      const { clientSecret } = await apps.create({ tenantId: tenant.id, name: 'Web', type: 'confidential', redirectUris: ['https://web.example/cb'] });
      assert.ok(clientSecret);
      assert.equal(Buffer.from(clientSecret, 'base64url').length, 32);
    });

    it('stores only the SHA-256 of the secret, never the secret itself', async (t) => {
      const { apps, tenant, store } = await setup(t);
      const { app, clientSecret } = await apps.create({ tenantId: tenant.id, name: 'Web', type: 'confidential', redirectUris: ['https://web.example/cb'] });
      assert.ok(clientSecret);
      const stored = await store.apps.findById(tenant.id, app.id);
      assert.ok(stored);
      assert.equal(stored.secretHash, hashClientSecret(clientSecret));
      assert.ok(!JSON.stringify(stored).includes(clientSecret), 'the stored app does not contain the secret');
    });

    it('cannot be read back with its secret: find and list hand out the hash only', async (t) => {
      const { apps, tenant } = await setup(t);
      const { app, clientSecret } = await apps.create({ tenantId: tenant.id, name: 'Web', type: 'confidential', redirectUris: ['https://web.example/cb'] });
      assert.ok(clientSecret);
      const found = await apps.find(tenant.id, app.id);
      const listed = await apps.list(tenant.id);
      assert.ok(!JSON.stringify({ found, listed }).includes(clientSecret));
      assert.equal(found?.secretHash, hashClientSecret(clientSecret));
    });

    it('gets a secret of its own: two apps never share one', async (t) => {
      const { apps, tenant } = await setup(t);
      const input = { tenantId: tenant.id, name: 'Web', type: 'confidential', redirectUris: ['https://web.example/cb'] } as const;
      const first = await apps.create(input);
      const second = await apps.create(input);
      assert.notEqual(first.clientSecret, second.clientSecret);
      assert.notEqual(first.app.id, second.app.id);
    });
  });

  it('gives a public app no secret and no hash', async (t) => {
    const { apps, tenant, store } = await setup(t);
    const { app, clientSecret } = await apps.create({ tenantId: tenant.id, name: 'SPA', type: 'public', redirectUris: ['http://localhost:5173/cb'] });
    assert.equal(clientSecret, null);
    assert.equal((await store.apps.findById(tenant.id, app.id))?.secretHash, null);
  });

  it('keeps the redirect URIs exactly as registered, in order', async (t) => {
    const { apps, tenant, store } = await setup(t);
    const redirectUris = ['https://b.example/cb', 'https://a.example/cb?x=1'];
    const { app } = await apps.create({
      tenantId: tenant.id,
      name: ' Web ',
      type: 'confidential',
      redirectUris,
      postLogoutRedirectUris: ['https://a.example/bye'],
    });
    const stored = await store.apps.findById(tenant.id, app.id);
    assert.deepEqual(stored?.redirectUris, redirectUris);
    assert.deepEqual(stored?.postLogoutRedirectUris, ['https://a.example/bye']);
    assert.equal(stored?.name, 'Web');
  });

  describe('refuses and stores nothing when', () => {
    const cases: Array<[string, ErrorCode, { name?: string; redirectUris?: string[]; postLogoutRedirectUris?: string[] }]> = [
      ['a redirect URI is invalid', 'invalid_redirect_uri', { redirectUris: ['https://ok.example/cb', 'http://evil.example/cb'] }],
      ['a post-logout URI is invalid', 'invalid_redirect_uri', { postLogoutRedirectUris: ['https://ok.example/bye#x'] }],
      ['there is no redirect URI', 'invalid_redirect_uri', { redirectUris: [] }],
      ['there are more than 100 redirect URIs', 'invalid_redirect_uri', { redirectUris: Array.from({ length: 101 }, (_, i) => `https://a.example/${i}`) }],
      ['the name is blank', 'invalid_input', { name: '   ' }],
      ['the name is longer than 256 characters', 'invalid_input', { name: 'n'.repeat(257) }],
    ];
    for (const [what, code, change] of cases) {
      it(`${what} (${code})`, async (t) => {
        const { apps, tenant } = await setup(t);
        const input = { tenantId: tenant.id, name: 'Web', type: 'confidential' as const, redirectUris: ['https://ok.example/cb'], ...change };
        await assert.rejects(apps.create(input), failsWith(code));
        assert.deepEqual(await apps.list(tenant.id), []);
      });
    }
  });
});

describe('hashClientSecret', () => {
  it('is SHA-256, base64url without padding', () => {
    assert.equal(hashClientSecret('abc'), 'ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
    assert.equal(hashClientSecret('abc'), createHash('sha256').update('abc').digest('base64url'));
  });

  it('hashes the UTF-8 bytes, so a non-ASCII secret is stable', () => {
    assert.equal(hashClientSecret('s€cret'), createHash('sha256').update(Buffer.from('s€cret', 'utf8')).digest('base64url'));
  });

  it('differs for secrets that differ in one character', () => {
    assert.notEqual(hashClientSecret('secret-a'), hashClientSecret('secret-b'));
  });
});
