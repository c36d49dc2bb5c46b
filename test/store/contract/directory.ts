import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { App } from '../../../src/core/apps/app.ts';
import type { AppId, GroupId, TenantId, UserFlowId, UserId } from '../../../src/core/ids.ts';
import type { UserFlow } from '../../../src/core/user-flows/user-flow.ts';
import { type OpenStore, T0, failsWith, seedTenant, storeFor, tenantRow, userRow } from './kit.ts';

/** Tenants, users, passwords, groups, apps and user flows. */
export function directoryContract(open: OpenStore) {
  describe('tenants', () => {
    it('round-trip every field, policies included', async (t) => {
      const store = await storeFor(t, open);
      const tenant = tenantRow('contoso', { displayName: 'Contoso Ltd', policies: { password: { minLength: 12 } } });
      await store.tenants.insert(tenant);
      assert.deepEqual(await store.tenants.findById(tenant.id), tenant);
      assert.deepEqual(await store.tenants.findByName('contoso'), tenant);
    });

    it('refuse a second tenant of the same name with tenant_exists', async (t) => {
      const store = await storeFor(t, open);
      await store.tenants.insert(tenantRow('contoso'));
      await assert.rejects(store.tenants.insert(tenantRow('contoso', { id: 'other' as TenantId })), failsWith('tenant_exists'));
    });

    it('list in name order', async (t) => {
      const store = await storeFor(t, open);
      for (const name of ['fabrikam', 'contoso', 'litware']) await store.tenants.insert(tenantRow(name));
      assert.deepEqual(
        (await store.tenants.list()).map((x) => x.name),
        ['contoso', 'fabrikam', 'litware'],
      );
    });

    it('replace the policy overrides', async (t) => {
      const store = await storeFor(t, open);
      const id = await seedTenant(store);
      await store.tenants.setPolicies(id, { lockout: { threshold: 5 } });
      assert.deepEqual((await store.tenants.findById(id))?.policies, { lockout: { threshold: 5 } });
    });

    it('bump configVersion atomically: ten concurrent bumps add ten', async (t) => {
      const store = await storeFor(t, open);
      const id = await seedTenant(store);
      await Promise.all(Array.from({ length: 10 }, () => store.tenants.bumpConfigVersion(id)));
      assert.equal((await store.tenants.findById(id))?.configVersion, 11);
    });
  });

  describe('users', () => {
    it('round-trip every field, with booleans as booleans and times as numbers', async (t) => {
      const store = await storeFor(t, open);
      const tenantId = await seedTenant(store);
      const user = userRow(tenantId, 'Ann@Contoso.com', {
        enabled: false,
        emailVerified: true,
        attributes: { city: 'Oslo', age: 42, vip: true },
        updatedAt: T0 + 1,
      });
      await store.users.insert(user);
      const found = await store.users.findById(tenantId, user.id);
      assert.deepEqual(found, user);
      assert.equal(found?.enabled, false);
      assert.equal(found?.emailVerified, true);
    });

    it('are unique per tenant on the normalised email: a duplicate fails with email_taken', async (t) => {
      const store = await storeFor(t, open);
      const tenantId = await seedTenant(store);
      await store.users.insert(userRow(tenantId, 'ann@contoso.com'));
      const twin = userRow(tenantId, 'ANN@contoso.com', { id: 'twin' as UserId, emailNormalized: 'ann@contoso.com' });
      await assert.rejects(store.users.insert(twin), failsWith('email_taken'));
    });

    it('may share an email across tenants', async (t) => {
      const store = await storeFor(t, open);
      const contoso = await seedTenant(store, 'contoso');
      const fabrikam = await seedTenant(store, 'fabrikam');
      await store.users.insert(userRow(contoso, 'ann@contoso.com'));
      await store.users.insert(userRow(fabrikam, 'ann@contoso.com'));
      assert.notEqual((await store.users.findByEmail(fabrikam, 'ann@contoso.com'))?.id, (await store.users.findByEmail(contoso, 'ann@contoso.com'))?.id);
    });

    it('of two concurrent inserts of one email, exactly one succeeds', async (t) => {
      const store = await storeFor(t, open);
      const tenantId = await seedTenant(store);
      const results = await Promise.allSettled(['a', 'b'].map((id) => store.users.insert(userRow(tenantId, 'ann@contoso.com', { id: id as UserId }))));
      assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
      assert.ok(failsWith('email_taken')(results.find((r) => r.status === 'rejected')?.reason));
    });

    it('are found only within their tenant', async (t) => {
      const store = await storeFor(t, open);
      const contoso = await seedTenant(store, 'contoso');
      const fabrikam = await seedTenant(store, 'fabrikam');
      const user = userRow(contoso, 'ann@contoso.com');
      await store.users.insert(user);
      assert.equal(await store.users.findById(fabrikam, user.id), undefined);
      assert.equal(await store.users.findByEmail(fabrikam, 'ann@contoso.com'), undefined);
      assert.equal((await store.users.findByEmail(contoso, 'ann@contoso.com'))?.id, user.id);
    });

    it('list by normalised email, paged by limit and afterEmail', async (t) => {
      const store = await storeFor(t, open);
      const tenantId = await seedTenant(store);
      for (const email of ['carl@x.example', 'ann@x.example', 'bob@x.example', 'dan@x.example']) await store.users.insert(userRow(tenantId, email));
      const page = async (afterEmail?: string) => (await store.users.list(tenantId, { limit: 2, afterEmail })).map((u) => u.emailNormalized);
      assert.deepEqual(await page(), ['ann@x.example', 'bob@x.example']);
      assert.deepEqual(await page('bob@x.example'), ['carl@x.example', 'dan@x.example']);
      assert.deepEqual(await page('dan@x.example'), []);
    });
  });

  describe('passwords', () => {
    it('upsert inserts, then replaces the one credential of the user', async (t) => {
      const store = await storeFor(t, open);
      const user = userRow(await seedTenant(store), 'ann@contoso.com');
      await store.users.insert(user);
      assert.equal(await store.passwords.find(user.id), undefined);
      await store.passwords.upsert({ userId: user.id, hash: 'hash-1', updatedAt: T0 });
      await store.passwords.upsert({ userId: user.id, hash: 'hash-2', updatedAt: T0 + 1 });
      assert.deepEqual(await store.passwords.find(user.id), { userId: user.id, hash: 'hash-2', updatedAt: T0 + 1 });
    });
  });

  describe('groups', () => {
    it('list by name and keep memberships; adding a member twice is harmless', async (t) => {
      const store = await storeFor(t, open);
      const tenantId = await seedTenant(store);
      const user = userRow(tenantId, 'ann@contoso.com');
      await store.users.insert(user);
      const groups = ['staff', 'admins'].map((name) => ({ id: `group-${name}` as GroupId, tenantId, name, createdAt: T0 }));
      for (const group of groups) await store.groups.insert(group);
      await store.groups.addMember('group-staff' as GroupId, user.id);
      await store.groups.addMember('group-staff' as GroupId, user.id);
      assert.deepEqual(await store.groups.list(tenantId), [groups[1], groups[0]]);
      assert.deepEqual(await store.groups.groupsOf(user.id), ['group-staff']);
    });
  });

  describe('apps and user flows', () => {
    it('round-trip an app, including null secret hash and user flow', async (t) => {
      const store = await storeFor(t, open);
      const tenantId = await seedTenant(store);
      const app: App = {
        id: 'app-1' as AppId,
        tenantId,
        name: 'SPA',
        type: 'public',
        secretHash: null,
        redirectUris: ['http://localhost:5173/cb', 'https://spa.example/cb'],
        postLogoutRedirectUris: [],
        userFlowId: null,
        createdAt: T0,
      };
      await store.apps.insert(app);
      assert.deepEqual(await store.apps.findById(tenantId, app.id), app);
      assert.deepEqual(await store.apps.list(tenantId), [app]);
    });

    it('round-trip a user flow with its booleans', async (t) => {
      const store = await storeFor(t, open);
      const tenantId = await seedTenant(store);
      const flows: UserFlow[] = [true, false].map((ssprEnabled, i) => ({
        id: `uf-${i}` as UserFlowId,
        tenantId,
        name: `Flow ${i}`,
        methods: ['email_password', 'email_otp'],
        attributes: ['displayName', 'city'],
        customAttributes: [{ name: 'loyalty', type: 'number', required: false, label: 'Loyalty number' }],
        ssprEnabled,
        createdAt: T0 + i,
      }));
      for (const flow of flows) await store.userFlows.insert(flow);
      assert.deepEqual(await store.userFlows.list(tenantId), flows);
      assert.equal((await store.userFlows.findById(tenantId, 'uf-1' as UserFlowId))?.ssprEnabled, false);
    });

    it('find an app or user flow only within its tenant', async (t) => {
      const store = await storeFor(t, open);
      const contoso = await seedTenant(store, 'contoso');
      const fabrikam = await seedTenant(store, 'fabrikam');
      const app: App = {
        id: 'app-1' as AppId,
        tenantId: contoso,
        name: 'Web',
        type: 'confidential',
        secretHash: 'h',
        redirectUris: [],
        postLogoutRedirectUris: [],
        userFlowId: null,
        createdAt: T0,
      };
      await store.apps.insert(app);
      assert.equal(await store.apps.findById(fabrikam, app.id), undefined);
      assert.deepEqual(await store.apps.list(fabrikam), []);
    });
  });
}
