import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testCore } from '../../../test/fixtures/core.ts';
import { DomainError, type ErrorCode } from '../errors.ts';
import type { GroupId } from '../ids.ts';
import { createTenantService } from '../tenants/tenant-service.ts';
import { DEFAULT_AUTH_METHODS_POLICY } from './auth-methods-policy.ts';
import { createPolicyAdmin } from './policy-admin.ts';

const failsWith = (code: ErrorCode) => (error: unknown) => error instanceof DomainError && error.code === code;

async function setup(t: { after(fn: () => Promise<void>): void }) {
  const core = await testCore(t);
  const tenant = await createTenantService(core.deps).create('contoso');
  const beta = 'group-beta' as GroupId;
  await core.store.groups.insert({ id: beta, tenantId: tenant.id, name: 'beta', createdAt: 0 });
  return { ...core, tenant, beta, policies: createPolicyAdmin(core.deps) };
}

describe('policies (admin)', () => {
  it('reads the defaults and replaces one policy with the current ETag, auditing before and after', async (t) => {
    const { policies, tenant, beta, store } = await setup(t);
    const current = await policies.get(tenant.id, 'authMethods');
    assert.deepEqual(current.view, DEFAULT_AUTH_METHODS_POLICY);
    const next = { emailOtp: { enabled: true, includeTargets: [beta], excludeTargets: [] } };
    const saved = await policies.replace(tenant.id, 'authMethods', next, current.etag, 'api_key:k1');
    assert.deepEqual((await policies.get(tenant.id, 'authMethods')).view, next);
    assert.equal((await policies.get(tenant.id, 'authMethods')).etag, saved.etag);
    const [entry] = await store.auditLog.list(tenant.id, 1);
    assert.deepEqual(entry?.details, { before: DEFAULT_AUTH_METHODS_POLICY, after: next });
    await assert.rejects(policies.replace(tenant.id, 'authMethods', DEFAULT_AUTH_METHODS_POLICY, current.etag, 'cli'), failsWith('precondition_failed'));
  });

  it('refuses unknown group ids and "all_users" beside groups', async (t) => {
    const { policies, tenant, beta } = await setup(t);
    const { etag } = await policies.get(tenant.id, 'authMethods');
    await assert.rejects(
      policies.replace(tenant.id, 'authMethods', { emailOtp: { enabled: true, includeTargets: ['nope' as GroupId], excludeTargets: [] } }, etag, 'cli'),
      failsWith('invalid_policy'),
    );
    await assert.rejects(
      policies.replace(
        tenant.id,
        'authMethods',
        { emailOtp: { enabled: true, includeTargets: ['all_users'], excludeTargets: ['nope' as GroupId] } },
        etag,
        'cli',
      ),
      failsWith('invalid_policy'),
    );
    await assert.rejects(
      policies.replace(tenant.id, 'authMethods', { emailOtp: { enabled: true, includeTargets: ['all_users', beta], excludeTargets: [] } }, etag, 'cli'),
      failsWith('invalid_policy'),
    );
  });

  it('refuses a password policy whose minimum exceeds its maximum or leaves 8…256', async (t) => {
    const { policies, tenant } = await setup(t);
    const { view, etag } = await policies.get(tenant.id, 'password');
    for (const bad of [{ minLength: 7 }, { maxLength: 257 }, { minLength: 100, maxLength: 64 }]) {
      await assert.rejects(policies.replace(tenant.id, 'password', { ...view, ...bad }, etag, 'cli'), failsWith('invalid_policy'));
    }
    await policies.replace(tenant.id, 'password', { ...view, minLength: 12, requireCharacterClasses: true }, etag, 'cli');
    assert.equal((await policies.get(tenant.id, 'password')).view.minLength, 12);
  });

  it('refuses a lockout whose cap is shorter than its first lock', async (t) => {
    const { policies, tenant } = await setup(t);
    const { view, etag } = await policies.get(tenant.id, 'lockout');
    await assert.rejects(
      policies.replace(tenant.id, 'lockout', { ...view, durationMs: 120_000, maxDurationMs: 60_000 }, etag, 'cli'),
      failsWith('invalid_policy'),
    );
  });
});
