import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApiKey } from '../../../src/core/admin/api-key.ts';
import type { TenantId } from '../../../src/core/ids.ts';
import { type OpenStore, T0, seedTenant, storeFor, userRow } from './kit.ts';

/** A time past 2^41 ms: int8 columns must come back as numbers. */
const FAR = Date.UTC(2200, 0, 1, 0, 0, 0, 123);

const keyRow = (id: string, overrides: Partial<ApiKey> = {}): ApiKey => ({
  id,
  name: `key ${id}`,
  prefix: `lk_${id}`,
  secretHash: `hash-${id}`,
  grants: [{ role: 'auditor', tenantId: null }],
  createdAt: T0,
  lastUsedAt: null,
  revokedAt: null,
  ...overrides,
});

/** Administrators' role grants and API keys. */
export function adminContract(open: OpenStore) {
  describe('admin grants', () => {
    it('round-trip a grant on every tenant and one on a named tenant', async (t) => {
      const store = await storeFor(t, open);
      const tenantId = await seedTenant(store);
      const admin = userRow(tenantId, 'root@example.com');
      await store.users.insert(admin);
      await store.adminGrants.add({ adminId: admin.id, role: 'global_admin', tenantId: null, createdAt: T0 });
      await store.adminGrants.add({ adminId: admin.id, role: 'tenant_admin', tenantId, createdAt: FAR });
      assert.deepEqual(await store.adminGrants.list(admin.id), [
        { adminId: admin.id, role: 'global_admin', tenantId: null, createdAt: T0 },
        { adminId: admin.id, role: 'tenant_admin', tenantId, createdAt: FAR },
      ]);
      assert.equal((await store.adminGrants.listAll()).length, 2);
    });

    it('add a grant the admin holds already as a no-op, also when two race', async (t) => {
      const store = await storeFor(t, open);
      const tenantId = await seedTenant(store);
      const admin = userRow(tenantId, 'root@example.com');
      await store.users.insert(admin);
      const grant = { adminId: admin.id, role: 'auditor' as const, tenantId: null, createdAt: T0 };
      await Promise.all([store.adminGrants.add(grant), store.adminGrants.add(grant), store.adminGrants.add(grant)]);
      assert.equal((await store.adminGrants.list(admin.id)).length, 1);
    });

    /** Found by the admin API fuzzer: POST /admins with a role listed twice was a 500 on PostgreSQL. */
    it('add a grant held already as a no-op inside a transaction too, which then commits the rest', async (t) => {
      const store = await storeFor(t, open);
      const tenantId = await seedTenant(store);
      const admin = userRow(tenantId, 'root@example.com');
      await store.users.insert(admin);
      const auditor = { adminId: admin.id, role: 'auditor' as const, tenantId: null, createdAt: T0 };
      await store.transaction(async (tx) => {
        await tx.adminGrants.add(auditor);
        await tx.adminGrants.add(auditor);
        await tx.adminGrants.add({ ...auditor, role: 'tenant_admin', tenantId });
      });
      assert.deepEqual(
        (await store.adminGrants.list(admin.id)).map((g) => g.role),
        ['auditor', 'tenant_admin'],
      );
    });

    it('remove exactly the named grant and say whether it existed', async (t) => {
      const store = await storeFor(t, open);
      const tenantId = await seedTenant(store);
      const admin = userRow(tenantId, 'root@example.com');
      await store.users.insert(admin);
      await store.adminGrants.add({ adminId: admin.id, role: 'tenant_admin', tenantId, createdAt: T0 });
      await store.adminGrants.add({ adminId: admin.id, role: 'tenant_admin', tenantId: null, createdAt: T0 });
      assert.equal(await store.adminGrants.remove(admin.id, { role: 'tenant_admin', tenantId }), true);
      assert.equal(await store.adminGrants.remove(admin.id, { role: 'tenant_admin', tenantId }), false);
      assert.deepEqual(
        (await store.adminGrants.list(admin.id)).map((g) => g.tenantId),
        [null],
      );
    });

    it('keep grants of different admins apart', async (t) => {
      const store = await storeFor(t, open);
      const tenantId = await seedTenant(store);
      const ann = userRow(tenantId, 'ann@example.com');
      const bob = userRow(tenantId, 'bob@example.com');
      await store.users.insert(ann);
      await store.users.insert(bob);
      await store.adminGrants.add({ adminId: ann.id, role: 'global_admin', tenantId: null, createdAt: T0 });
      assert.deepEqual(await store.adminGrants.list(bob.id), []);
      assert.equal(await store.adminGrants.remove(bob.id, { role: 'global_admin', tenantId: null }), false);
      assert.equal((await store.adminGrants.list(ann.id)).length, 1);
    });
  });

  describe('API keys', () => {
    it('round-trip every field, times as numbers and grants as data', async (t) => {
      const store = await storeFor(t, open);
      const key = keyRow('00000000000000a1', { grants: [{ role: 'tenant_admin', tenantId: 'tenant-contoso' as TenantId }], createdAt: FAR });
      await store.apiKeys.insert(key);
      assert.deepEqual(await store.apiKeys.findById(key.id), key);
      assert.equal(await store.apiKeys.findById('missing'), undefined);
    });

    it('list newest first, revoked ones too', async (t) => {
      const store = await storeFor(t, open);
      await store.apiKeys.insert(keyRow('00000000000000a1', { createdAt: T0 }));
      await store.apiKeys.insert(keyRow('00000000000000a2', { createdAt: T0 + 1, revokedAt: T0 + 2 }));
      assert.deepEqual(
        (await store.apiKeys.list()).map((k) => k.id),
        ['00000000000000a2', '00000000000000a1'],
      );
    });

    it('revoke once: a second revocation and an unknown key answer false', async (t) => {
      const store = await storeFor(t, open);
      await store.apiKeys.insert(keyRow('00000000000000a1'));
      const results = await Promise.all([store.apiKeys.revoke('00000000000000a1', T0 + 5), store.apiKeys.revoke('00000000000000a1', T0 + 6)]);
      assert.deepEqual(results.sort(), [false, true]);
      assert.equal(await store.apiKeys.revoke('missing', T0), false);
      assert.ok((await store.apiKeys.findById('00000000000000a1'))?.revokedAt);
    });

    it('record the last use', async (t) => {
      const store = await storeFor(t, open);
      await store.apiKeys.insert(keyRow('00000000000000a1'));
      await store.apiKeys.touch('00000000000000a1', FAR);
      assert.equal((await store.apiKeys.findById('00000000000000a1'))?.lastUsedAt, FAR);
    });
  });
}
