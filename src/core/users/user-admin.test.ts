import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testCore } from '../../../test/fixtures/core.ts';
import { DomainError, type ErrorCode } from '../errors.ts';
import { createPolicyAdmin } from '../policies/policy-admin.ts';
import { createTenantService } from '../tenants/tenant-service.ts';
import { createCustomAttributeAdmin } from '../user-flows/custom-attribute-admin.ts';
import { createGroupAdmin } from './group-admin.ts';
import { createUserAdmin } from './user-admin.ts';

const failsWith = (code: ErrorCode) => (error: unknown) => error instanceof DomainError && error.code === code;

async function setup(t: { after(fn: () => Promise<void>): void }) {
  const core = await testCore(t);
  const tenant = await createTenantService(core.deps).create('contoso');
  return { ...core, tenant, users: createUserAdmin(core.deps), groups: createGroupAdmin(core.deps) };
}

describe('users (admin)', () => {
  it('pages through users by email prefix, treating % and _ literally', async (t) => {
    const { users, tenant } = await setup(t);
    for (const email of ['ann@x.example', 'anna@x.example', 'anne@x.example', 'bob@x.example', 'a_b@x.example', 'a%b@x.example'])
      await users.create(tenant.id, { email }, 'cli');
    const first = await users.list(tenant.id, { emailPrefix: ' ANN', limit: 2 });
    assert.deepEqual(
      first.items.map((u) => u.email),
      ['ann@x.example', 'anna@x.example'],
    );
    const second = await users.list(tenant.id, { emailPrefix: 'ann', limit: 2, cursor: first.nextCursor ?? undefined });
    assert.deepEqual([second.items.map((u) => u.email), second.nextCursor], [['anne@x.example'], null]);
    assert.deepEqual(
      (await users.list(tenant.id, { emailPrefix: 'a_' })).items.map((u) => u.email),
      ['a_b@x.example'],
    );
    assert.deepEqual(
      (await users.list(tenant.id, { emailPrefix: 'a%' })).items.map((u) => u.email),
      ['a%b@x.example'],
    );
    assert.equal((await users.list(tenant.id, {})).items.length, 6);
  });

  it('checks attributes: built-in ones are text, custom ones must be defined and typed', async (t) => {
    const { users, tenant, deps } = await setup(t);
    await createCustomAttributeAdmin(deps).create(tenant.id, { name: 'tier', type: 'number', required: false, label: 'Tier' }, 'cli');
    const { view, etag } = await users.create(tenant.id, { email: 'a@x.example', attributes: { city: 'Oslo', tier: 2 } }, 'cli');
    assert.deepEqual(view.attributes, { city: 'Oslo', tier: 2 });
    await assert.rejects(users.update(tenant.id, view.id, { attributes: { tier: 'gold' } }, etag, 'cli'), failsWith('attribute_invalid'));
    await assert.rejects(users.update(tenant.id, view.id, { attributes: { city: 7 } }, etag, 'cli'), failsWith('attribute_invalid'));
    await assert.rejects(users.update(tenant.id, view.id, { attributes: { shoeSize: 44 } }, etag, 'cli'), failsWith('unknown_attribute'));
  });

  it('disabling ends the sessions; deleting removes the user; a stale ETag changes nothing', async (t) => {
    const { users, tenant, store } = await setup(t);
    const { view, etag } = await users.create(tenant.id, { email: 'a@x.example', password: 'a long secret 12' }, 'cli');
    await store.oidcArtifacts.upsert(tenant.id, 'Session', 's1', { accountId: view.id }, null);
    const disabled = await users.update(tenant.id, view.id, { enabled: false }, etag, 'admin:a1');
    assert.equal(disabled.view.enabled, false);
    assert.equal(await store.oidcArtifacts.find(tenant.id, 'Session', 's1'), undefined);
    await assert.rejects(users.remove(tenant.id, view.id, etag, 'cli'), failsWith('precondition_failed'));
    await users.remove(tenant.id, view.id, disabled.etag, 'cli');
    await assert.rejects(users.get(tenant.id, view.id), failsWith('user_not_found'));
    assert.equal(await store.passwords.find(view.id), undefined);
  });

  it('sets a password that follows the policy, generating one when none is given', async (t) => {
    const { users, tenant, store, hasher } = await setup(t);
    const { view } = await users.create(tenant.id, { email: 'a@x.example' }, 'cli');
    await assert.rejects(users.setPassword(tenant.id, view.id, 'short', 'cli'), failsWith('password_too_short'));
    const { temporaryPassword } = await users.setPassword(tenant.id, view.id, undefined, 'cli');
    assert.ok(temporaryPassword.length >= 16);
    const stored = await store.passwords.find(view.id);
    assert.ok(stored && (await hasher.verify(stored.hash, temporaryPassword)));
    assert.equal(stored.mustChange, true, 'the next sign-in must replace it');
  });
});

describe('groups (admin)', () => {
  it('refuses to delete a group the authentication methods policy names', async (t) => {
    const { groups, tenant, deps } = await setup(t);
    const group = await groups.create(tenant.id, ' beta ', 'cli');
    assert.equal(group.view.name, 'beta');
    await assert.rejects(groups.create(tenant.id, 'beta', 'cli'), failsWith('group_exists'));
    const policies = createPolicyAdmin(deps);
    const { etag } = await policies.get(tenant.id, 'authMethods');
    await policies.replace(
      tenant.id,
      'authMethods',
      { emailOtp: { enabled: true, includeTargets: ['all_users'], excludeTargets: [group.view.id] } },
      etag,
      'cli',
    );
    await assert.rejects(groups.remove(tenant.id, group.view.id, group.etag, 'cli'), failsWith('group_in_use'));
  });
});
