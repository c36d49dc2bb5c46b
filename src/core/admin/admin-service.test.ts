import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testCore } from '../../../test/fixtures/core.ts';
import { DomainError, type ErrorCode } from '../errors.ts';
import { ADMIN_TENANT, CONSOLE_CLIENT_ID, ensureAdminDirectory } from './admin-directory.ts';
import { createAdminService } from './admin-service.ts';
import { apiKeyIdOf, apiKeyMatches, hashApiKey } from './api-key.ts';
import { createTenantService } from '../tenants/tenant-service.ts';
import type { AppId } from '../ids.ts';
import { journeySettings } from '../user-flows/journey-settings.ts';

const failsWith = (code: ErrorCode) => (error: unknown) => error instanceof DomainError && error.code === code;

async function setup(t: { after(fn: () => Promise<void>): void }) {
  const core = await testCore(t);
  const directory = await ensureAdminDirectory(core.deps, 'https://id.example.com');
  const tenants = createTenantService(core.deps);
  return { ...core, directory, tenants, admin: createAdminService(core.deps) };
}

describe('the admin directory', () => {
  it('is created once, with its console app and a user flow without sign-up', async (t) => {
    const { deps, directory, store } = await setup(t);
    assert.equal(directory.name, ADMIN_TENANT);
    assert.equal((await ensureAdminDirectory(deps, 'https://id.example.com')).id, directory.id);
    const app = await store.apps.findById(directory.id, CONSOLE_CLIENT_ID as AppId);
    assert.equal(app?.type, 'public');
    const settings = await journeySettings(store, directory, CONSOLE_CLIENT_ID as AppId);
    assert.equal(settings.signUpAllowed, false);
    assert.equal(settings.ssprOffered, true);
  });

  it('is no customer tenant: tenant lists leave it out', async (t) => {
    const { tenants } = await setup(t);
    await tenants.create('contoso');
    assert.deepEqual(
      (await tenants.list()).map((x) => x.name),
      ['contoso'],
    );
  });
});

describe('administrators', () => {
  it('are users of the admin directory with their grants resolved to tenant names', async (t) => {
    const { admin, tenants, directory } = await setup(t);
    await tenants.create('contoso');
    await tenants.create('fabrikam');
    const created = await admin.createAdmin({ email: 'Ann@Example.com', grants: [{ role: 'tenant_admin', tenants: ['contoso', 'fabrikam'] }, { role: 'auditor' }] }, 'cli');
    assert.equal(created.admin.tenantId, directory.id);
    assert.deepEqual(created.grants, [
      { role: 'tenant_admin', tenants: ['contoso', 'fabrikam'] },
      { role: 'auditor', tenants: 'all' },
    ]);
    assert.deepEqual((await admin.principalOfAdmin(created.admin.id))?.grants, created.grants);
    assert.equal((await admin.findAdmin('ann@example.com')).id, created.admin.id);
  });

  it('refuse a role that does not exist, a global admin scoped to a tenant and a tenant admin of nothing', async (t) => {
    const { admin } = await setup(t);
    await assert.rejects(admin.createAdmin({ email: 'a@example.com', grants: [{ role: 'root' }] }, 'cli'), failsWith('invalid_input'));
    await assert.rejects(admin.createAdmin({ email: 'a@example.com', grants: [{ role: 'global_admin', tenants: ['x'] }] }, 'cli'), failsWith('invalid_input'));
    await assert.rejects(admin.createAdmin({ email: 'a@example.com', grants: [{ role: 'tenant_admin' }] }, 'cli'), failsWith('invalid_input'));
    await assert.rejects(admin.createAdmin({ email: 'a@example.com', grants: [{ role: 'tenant_admin', tenants: ['nope'] }] }, 'cli'), failsWith('tenant_not_found'));
    await assert.rejects(admin.findAdmin('a@example.com'), failsWith('user_not_found'));
  });

  it('lose a revoked role at once and are audited for each change', async (t) => {
    const { admin, directory, store } = await setup(t);
    const { admin: ann } = await admin.createAdmin({ email: 'ann@example.com', grants: [{ role: 'global_admin' }] }, 'cli');
    await admin.grant(ann.id, { role: 'auditor' }, { kind: 'admin', id: 'boss', ip: '10.0.0.1' });
    assert.deepEqual(await admin.revoke(ann.id, { role: 'global_admin' }, 'cli'), [{ role: 'auditor', tenants: 'all' }]);
    const log = await store.auditLog.list(directory.id, 10);
    assert.deepEqual(log.map((e) => e.action).sort(), ['admin.created', 'admin.granted', 'admin.revoked']);
    const granted = log.find((e) => e.action === 'admin.granted');
    assert.equal(granted?.actor, 'admin:boss');
    assert.equal(granted?.details.ip, '10.0.0.1');
  });
});

describe('API keys', () => {
  it('show their secret once, store only its hash and authenticate by it', async (t) => {
    const { admin, store } = await setup(t);
    const { key, secret } = await admin.createApiKey({ name: ' ci ', grants: [{ role: 'auditor' }] }, 'cli');
    assert.equal(key.name, 'ci');
    assert.equal(apiKeyIdOf(secret), key.id);
    assert.ok(!('secretHash' in key));
    const stored = await store.apiKeys.findById(key.id);
    assert.equal(stored?.secretHash, hashApiKey(secret));
    assert.ok(stored && apiKeyMatches(stored, secret) && !apiKeyMatches(stored, `${secret}x`));
    assert.equal((await admin.authenticateApiKey(secret))?.id, key.id);
  });

  it('refuse a wrong secret for a real id, a malformed key and a revoked key', async (t) => {
    const { admin } = await setup(t);
    const { key, secret } = await admin.createApiKey({ name: 'ci', grants: [{ role: 'global_admin' }] }, 'cli');
    assert.equal(await admin.authenticateApiKey(`lk_${key.id}_${'A'.repeat(43)}`), undefined);
    assert.equal(await admin.authenticateApiKey('lk_short'), undefined);
    await admin.revokeApiKey(key.id, 'cli');
    assert.equal(await admin.authenticateApiKey(secret), undefined);
    await assert.rejects(admin.revokeApiKey(key.id, 'cli'), failsWith('api_key_not_found'));
  });

  it('need a name and a role', async (t) => {
    const { admin } = await setup(t);
    await assert.rejects(admin.createApiKey({ name: ' ', grants: [{ role: 'auditor' }] }, 'cli'), failsWith('invalid_input'));
    await assert.rejects(admin.createApiKey({ name: 'x', grants: [] }, 'cli'), failsWith('invalid_input'));
  });

  it('record their use at most once a minute', async (t) => {
    const { admin, clock, store } = await setup(t);
    const { key, secret } = await admin.createApiKey({ name: 'ci', grants: [{ role: 'auditor' }] }, 'cli');
    await admin.authenticateApiKey(secret);
    const first = (await store.apiKeys.findById(key.id))?.lastUsedAt;
    clock.advance(30_000);
    await admin.authenticateApiKey(secret);
    assert.equal((await store.apiKeys.findById(key.id))?.lastUsedAt, first);
    clock.advance(31_000);
    await admin.authenticateApiKey(secret);
    assert.equal((await store.apiKeys.findById(key.id))?.lastUsedAt, clock.now());
  });
});
