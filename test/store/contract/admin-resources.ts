import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AppId, GroupId, TenantId, UserFlowId } from '../../../src/core/ids.ts';
import { DEFAULT_BRANDING } from '../../../src/core/tenants/branding.ts';
import { failsWith, type OpenStore, seedTenant, storeFor, T0, userRow } from './kit.ts';

/** The store methods the admin API's resources rely on (migration 0005 and the admin changes). */
export function adminResourcesContract(open: OpenStore): void {
  describe('admin resources', () => {
    it('tenants.lock serialises read-modify-write transactions: none is lost', async (t) => {
      const store = await storeFor(t, open);
      const tenantId = await seedTenant(store);
      const bump = () =>
        store.transaction(async (tx) => {
          await tx.tenants.lock(tenantId);
          const current = (await tx.tenants.findById(tenantId))?.policies.lockout?.threshold ?? 0;
          await tx.tenants.setPolicies(tenantId, { lockout: { threshold: current + 1 } });
        });
      await Promise.all(Array.from({ length: 5 }, bump));
      assert.equal((await store.tenants.findById(tenantId))?.policies.lockout?.threshold, 5);
    });

    it('tenants.lock tells whether the tenant is there: a change that waited for its deletion finds it gone', async (t) => {
      const store = await storeFor(t, open);
      const tenantId = await seedTenant(store);
      assert.equal(await store.transaction((tx) => tx.tenants.lock(tenantId)), true);
      let deleting: () => void = () => {};
      const locked = new Promise<void>((resolve) => {
        deleting = resolve;
      });
      const deletion = store.transaction(async (tx) => {
        await tx.tenants.lock(tenantId);
        deleting();
        await new Promise((resolve) => setTimeout(resolve, 50));
        await tx.tenants.delete(tenantId);
      });
      await locked;
      const waiter = store.transaction((tx) => tx.tenants.lock(tenantId));
      await deletion;
      assert.equal(await waiter, false);
    });

    it('tenants.delete removes the tenant and what belongs to it, and nothing of another', async (t) => {
      const store = await storeFor(t, open);
      const gone = await seedTenant(store, 'contoso');
      const kept = await seedTenant(store, 'fabrikam');
      for (const tenantId of [gone, kept]) {
        await store.users.insert(userRow(tenantId, 'a@x.example'));
        await store.oidcArtifacts.upsert(tenantId, 'Session', `s-${tenantId}`, {}, null);
        await store.auditLog.append({ tenantId, at: T0, actor: 'cli', action: 'x', target: null, details: {} });
      }
      await store.tenants.delete(gone);
      assert.equal(await store.tenants.findById(gone), undefined);
      assert.equal(await store.users.findByEmail(gone, 'a@x.example'), undefined);
      assert.equal(await store.oidcArtifacts.find(gone, 'Session', `s-${gone}`), undefined);
      assert.deepEqual(await store.auditLog.list(gone, 5), []);
      assert.ok(await store.users.findByEmail(kept, 'a@x.example'));
      assert.equal((await store.auditLog.list(kept, 5)).length, 1);
    });

    it('users.list by email prefix takes % and _ literally; update and delete', async (t) => {
      const store = await storeFor(t, open);
      const tenantId = await seedTenant(store);
      for (const email of ['a_b@x.example', 'axb@x.example', 'a%b@x.example', 'ab@x.example']) await store.users.insert(userRow(tenantId, email));
      const emails = async (emailPrefix: string) => (await store.users.list(tenantId, { limit: 10, emailPrefix })).map((u) => u.email);
      assert.deepEqual(await emails('a_'), ['a_b@x.example']);
      assert.deepEqual(await emails('a%'), ['a%b@x.example']);
      const user = userRow(tenantId, 'ab@x.example');
      await store.users.update({ ...user, displayName: 'Changed', enabled: false, attributes: { city: 'Oslo' }, updatedAt: T0 + 1 });
      const read = await store.users.findById(tenantId, user.id);
      assert.deepEqual([read?.displayName, read?.enabled, read?.attributes, read?.updatedAt], ['Changed', false, { city: 'Oslo' }, T0 + 1]);
      await store.users.delete(tenantId, user.id);
      assert.equal(await store.users.findById(tenantId, user.id), undefined);
    });

    it('groups: a taken name is group_exists on insert and rename; delete drops memberships', async (t) => {
      const store = await storeFor(t, open);
      const tenantId = await seedTenant(store);
      const user = userRow(tenantId, 'a@x.example');
      await store.users.insert(user);
      const group = (id: string, name: string) => ({ id: id as GroupId, tenantId, name, createdAt: T0 });
      await store.groups.insert(group('g1', 'beta'));
      await store.groups.insert(group('g2', 'gamma'));
      await assert.rejects(store.groups.insert(group('g3', 'beta')), failsWith('group_exists'));
      await assert.rejects(store.groups.rename(tenantId, 'g2' as GroupId, 'beta'), failsWith('group_exists'));
      await store.groups.addMember('g1' as GroupId, user.id);
      assert.deepEqual(await store.groups.members('g1' as GroupId), [user.id]);
      await store.groups.delete(tenantId, 'g1' as GroupId);
      assert.deepEqual(await store.groups.groupsOf(user.id), []);
    });

    it('apps: secrets are listed oldest first and revoked once', async (t) => {
      const store = await storeFor(t, open);
      const tenantId = await seedTenant(store);
      const appId = 'app-1' as AppId;
      await store.apps.insert({
        id: appId,
        tenantId,
        name: 'Web',
        type: 'confidential',
        secretHash: null,
        redirectUris: ['https://a.example/cb'],
        postLogoutRedirectUris: [],
        userFlowId: null,
        createdAt: T0,
      });
      for (const [id, at] of [
        ['s2', T0 + 1],
        ['s1', T0],
      ] as const) {
        await store.apps.insertSecret({ id, tenantId, appId, hash: `h-${id}`, hint: 'abc', description: '', createdAt: at, revokedAt: null });
      }
      assert.deepEqual(
        (await store.apps.listSecrets(tenantId, appId)).map((s) => s.id),
        ['s1', 's2'],
      );
      assert.equal(await store.apps.revokeSecret(tenantId, appId, 's1', T0 + 5), true);
      assert.equal(await store.apps.revokeSecret(tenantId, appId, 's1', T0 + 6), false);
      assert.equal((await store.apps.listSecrets(tenantId, appId))[0]?.revokedAt, T0 + 5);
    });

    it('user flows update and delete (apps fall back to the default flow); custom attributes and branding', async (t) => {
      const store = await storeFor(t, open);
      const tenantId = await seedTenant(store);
      const flowId = 'flow-1' as UserFlowId;
      const flow = {
        id: flowId,
        tenantId,
        name: 'F',
        methods: ['email_password' as const],
        attributes: ['displayName'],
        customAttributes: [],
        ssprEnabled: true,
        createdAt: T0,
      };
      await store.userFlows.insert(flow);
      await store.apps.insert({
        id: 'app-1' as AppId,
        tenantId,
        name: 'Web',
        type: 'public',
        secretHash: null,
        redirectUris: ['https://a.example/cb'],
        postLogoutRedirectUris: [],
        userFlowId: flowId,
        createdAt: T0,
      });
      await store.userFlows.update({ ...flow, name: 'G', ssprEnabled: false });
      assert.deepEqual(
        [(await store.userFlows.findById(tenantId, flowId))?.name, (await store.userFlows.findById(tenantId, flowId))?.ssprEnabled],
        ['G', false],
      );
      await store.userFlows.delete(tenantId, flowId);
      assert.equal((await store.apps.findById(tenantId, 'app-1' as AppId))?.userFlowId, null);

      await store.customAttributes.insert(tenantId, { name: 'tier', type: 'number', required: false, label: 'Tier' }, T0);
      await assert.rejects(
        store.customAttributes.insert(tenantId, { name: 'tier', type: 'string', required: true, label: 'x' }, T0),
        failsWith('attribute_exists'),
      );
      await store.customAttributes.update(tenantId, { name: 'tier', type: 'number', required: true, label: 'Level' });
      assert.deepEqual(await store.customAttributes.list(tenantId), [{ name: 'tier', type: 'number', required: true, label: 'Level' }]);

      await store.branding.put(tenantId, 'de-DE', DEFAULT_BRANDING, T0);
      await store.branding.put(tenantId, 'de-DE', { ...DEFAULT_BRANDING, showForgotPassword: false }, T0 + 1);
      assert.equal((await store.branding.find(tenantId, 'de-DE'))?.showForgotPassword, false);
      assert.deepEqual(await store.branding.list(tenantId), [{ locale: 'de-DE', updatedAt: T0 + 1 }]);
    });

    it('log searches: newest first, filtered, continued after a position', async (t) => {
      const store = await storeFor(t, open);
      const tenantId: TenantId = await seedTenant(store);
      for (let i = 0; i < 4; i++) {
        await store.signInLog.append({
          tenantId,
          at: T0 + i,
          userId: null,
          email: `u${i % 2}@x.example`,
          appId: null,
          method: 'password',
          outcome: i % 2 === 0 ? 'success' : 'failure',
          reason: 'ok',
          ip: null,
          userAgent: null,
        });
      }
      const all = await store.signInLog.search(tenantId, { limit: 10 });
      assert.deepEqual(
        all.map((e) => e.at),
        [T0 + 3, T0 + 2, T0 + 1, T0],
      );
      const [, second] = all;
      assert.ok(second);
      assert.deepEqual(
        (await store.signInLog.search(tenantId, { limit: 10, before: { at: second.at, id: second.id } })).map((e) => e.at),
        [T0 + 1, T0],
      );
      assert.deepEqual(
        (await store.signInLog.search(tenantId, { limit: 10, outcome: 'failure' })).map((e) => e.at),
        [T0 + 3, T0 + 1],
      );
      assert.deepEqual(
        (await store.signInLog.search(tenantId, { limit: 10, from: T0 + 1, to: T0 + 2 })).map((e) => e.at),
        [T0 + 2, T0 + 1],
      );
      assert.deepEqual(
        (await store.signInLog.search(tenantId, { limit: 10, email: 'u0@x.example' })).map((e) => e.at),
        [T0 + 2, T0],
      );
    });
  });
}
