import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testCore } from '../../../test/fixtures/core.ts';
import { DomainError, type ErrorCode } from '../errors.ts';
import { createTenantService } from '../tenants/tenant-service.ts';
import { createAppAdmin } from './app-admin.ts';
import { hashClientSecret } from './app-service.ts';

const failsWith = (code: ErrorCode) => (error: unknown) => error instanceof DomainError && error.code === code;

async function setup(t: { after(fn: () => Promise<void>): void }) {
  const core = await testCore(t);
  const tenant = await createTenantService(core.deps).create('contoso');
  return { ...core, tenant, apps: createAppAdmin(core.deps) };
}

describe('apps (admin)', () => {
  it('keeps the hashes of every live secret on the app, and drops a revoked one', async (t) => {
    const { apps, tenant, store } = await setup(t);
    const { view, clientSecret } = await apps.create(tenant.id, { name: 'Web', type: 'confidential', redirectUris: ['https://web.example/cb'] }, 'cli');
    assert.ok(clientSecret);
    const { secret, value } = await apps.addSecret(tenant.id, view.id, 'rollover', 'cli');
    const live = async () => ((await store.apps.findById(tenant.id, view.id))?.secretHash ?? '').split(' ').sort();
    assert.deepEqual(await live(), [hashClientSecret(clientSecret), hashClientSecret(value)].sort());
    const initial = (await apps.listSecrets(tenant.id, view.id)).find((s) => s.description === 'Initial secret');
    assert.ok(initial);
    assert.deepEqual(Object.keys(initial).sort(), ['createdAt', 'description', 'hint', 'id', 'revokedAt']);
    await apps.revokeSecret(tenant.id, view.id, initial.id, 'cli');
    assert.deepEqual(await live(), [hashClientSecret(value)]);
    await assert.rejects(apps.revokeSecret(tenant.id, view.id, initial.id, 'cli'), failsWith('secret_not_found'));
    await apps.revokeSecret(tenant.id, view.id, secret.id, 'cli');
    assert.equal((await store.apps.findById(tenant.id, view.id))?.secretHash, null, 'no live secret: no client authentication succeeds');
  });

  it('validates redirect URIs on change and refuses secrets for public apps', async (t) => {
    const { apps, tenant } = await setup(t);
    const { view, etag } = await apps.create(tenant.id, { name: 'SPA', type: 'public', redirectUris: ['http://localhost:3000/cb'] }, 'cli');
    await assert.rejects(apps.update(tenant.id, view.id, { redirectUris: ['http://spa.example/cb'] }, etag, 'cli'), failsWith('invalid_redirect_uri'));
    await assert.rejects(apps.update(tenant.id, view.id, { redirectUris: [] }, etag, 'cli'), failsWith('invalid_redirect_uri'));
    await assert.rejects(apps.addSecret(tenant.id, view.id, '', 'cli'), failsWith('invalid_input'));
  });
});
