import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TenantId } from '../../../src/core/ids.ts';
import type { SigningKey } from '../../../src/core/tenants/signing-key.ts';
import { type OpenStore, T0, seedTenant, storeFor } from './kit.ts';

const A = 'tenant-a' as TenantId;
const B = 'tenant-b' as TenantId;

const keyRow = (tenantId: TenantId, kid: string, overrides: Partial<SigningKey> = {}): SigningKey => ({
  kid,
  tenantId,
  alg: 'RS256',
  encryptedPrivateJwk: `jwe:${kid}`,
  publicJwk: { kty: 'RSA', kid, n: 'n', e: 'AQAB' },
  status: 'active',
  createdAt: T0,
  expiresAt: null,
  ...overrides,
});

/** oidc-provider's artifacts and the tenants' signing keys. */
export function oidcContract(open: OpenStore) {
  describe('oidc artifacts', () => {
    it('upsert then find round-trips payload and expiry, not consumed', async (t) => {
      const store = await storeFor(t, open);
      const payload = { accountId: 'user-1', scope: 'openid email', nested: { claims: ['email'] }, exp: 1_900_000_000 };
      await store.oidcArtifacts.upsert(A, 'Session', 's1', payload, T0 + 1000);
      assert.deepEqual(await store.oidcArtifacts.find(A, 'Session', 's1'), { payload, expiresAt: T0 + 1000, consumed: false });
    });

    it('keep a null expiry as null', async (t) => {
      const store = await storeFor(t, open);
      await store.oidcArtifacts.upsert(A, 'Client', 'c1', {}, null);
      assert.equal((await store.oidcArtifacts.find(A, 'Client', 'c1'))?.expiresAt, null);
    });

    it('upsert of an existing id replaces payload and expiry', async (t) => {
      const store = await storeFor(t, open);
      await store.oidcArtifacts.upsert(A, 'Session', 's1', { v: 1 }, T0);
      await store.oidcArtifacts.upsert(A, 'Session', 's1', { v: 2 }, T0 + 5);
      assert.deepEqual(await store.oidcArtifacts.find(A, 'Session', 's1'), { payload: { v: 2 }, expiresAt: T0 + 5, consumed: false });
    });

    it('are keyed by tenant, model and id', async (t) => {
      const store = await storeFor(t, open);
      await store.oidcArtifacts.upsert(A, 'AccessToken', 'x', { who: 'a' }, null);
      await store.oidcArtifacts.upsert(B, 'AccessToken', 'x', { who: 'b' }, null);
      await store.oidcArtifacts.upsert(A, 'RefreshToken', 'x', { who: 'a-refresh' }, null);
      assert.deepEqual((await store.oidcArtifacts.find(B, 'AccessToken', 'x'))?.payload, { who: 'b' });
      assert.deepEqual((await store.oidcArtifacts.find(A, 'RefreshToken', 'x'))?.payload, { who: 'a-refresh' });
      assert.equal(await store.oidcArtifacts.find(A, 'AuthorizationCode', 'x'), undefined);
    });

    it('consume marks the artifact consumed and keeps it readable', async (t) => {
      const store = await storeFor(t, open);
      await store.oidcArtifacts.upsert(A, 'AuthorizationCode', 'code-1', { grantId: 'g1' }, T0 + 60_000);
      await store.oidcArtifacts.consume(A, 'AuthorizationCode', 'code-1', T0 + 10);
      assert.deepEqual(await store.oidcArtifacts.find(A, 'AuthorizationCode', 'code-1'), {
        payload: { grantId: 'g1' },
        expiresAt: T0 + 60_000,
        consumed: true,
      });
    });

    it('consume is atomic: of concurrent calls exactly one wins, and a consumed artifact is never consumed again', async (t) => {
      const store = await storeFor(t, open);
      await store.oidcArtifacts.upsert(A, 'AuthorizationCode', 'code-race', { grantId: 'g' }, null);
      const results = await Promise.all(Array.from({ length: 8 }, () => store.oidcArtifacts.consume(A, 'AuthorizationCode', 'code-race', T0)));
      assert.equal(results.filter(Boolean).length, 1);
      assert.equal(await store.oidcArtifacts.consume(A, 'AuthorizationCode', 'code-race', T0 + 1), false);
      assert.equal(await store.oidcArtifacts.consume(A, 'AuthorizationCode', 'missing', T0), false);
    });

    it('consume touches only the named artifact', async (t) => {
      const store = await storeFor(t, open);
      await store.oidcArtifacts.upsert(A, 'AuthorizationCode', 'code-1', {}, null);
      await store.oidcArtifacts.upsert(B, 'AuthorizationCode', 'code-1', {}, null);
      await store.oidcArtifacts.consume(A, 'AuthorizationCode', 'code-1', T0);
      assert.equal((await store.oidcArtifacts.find(B, 'AuthorizationCode', 'code-1'))?.consumed, false);
    });

    it('findBy uid finds an interaction session by its uid, within tenant and model', async (t) => {
      const store = await storeFor(t, open);
      await store.oidcArtifacts.upsert(A, 'Session', 's1', { uid: 'uid-1', accountId: 'user-1' }, null);
      await store.oidcArtifacts.upsert(A, 'Session', 's2', { uid: 'uid-2' }, null);
      assert.deepEqual((await store.oidcArtifacts.findBy(A, 'Session', 'uid', 'uid-1'))?.payload, { uid: 'uid-1', accountId: 'user-1' });
      assert.equal(await store.oidcArtifacts.findBy(B, 'Session', 'uid', 'uid-1'), undefined);
      assert.equal(await store.oidcArtifacts.findBy(A, 'Interaction', 'uid', 'uid-1'), undefined);
    });

    it('findBy userCode finds a device code', async (t) => {
      const store = await storeFor(t, open);
      await store.oidcArtifacts.upsert(A, 'DeviceCode', 'd1', { userCode: 'ABCD-EFGH' }, null);
      assert.deepEqual((await store.oidcArtifacts.findBy(A, 'DeviceCode', 'userCode', 'ABCD-EFGH'))?.payload, { userCode: 'ABCD-EFGH' });
      assert.equal(await store.oidcArtifacts.findBy(A, 'DeviceCode', 'uid', 'ABCD-EFGH'), undefined);
    });

    it('destroy deletes one artifact', async (t) => {
      const store = await storeFor(t, open);
      await store.oidcArtifacts.upsert(A, 'Session', 's1', {}, null);
      await store.oidcArtifacts.upsert(A, 'Session', 's2', {}, null);
      await store.oidcArtifacts.destroy(A, 'Session', 's1');
      assert.equal(await store.oidcArtifacts.find(A, 'Session', 's1'), undefined);
      assert.ok(await store.oidcArtifacts.find(A, 'Session', 's2'));
    });

    it('revokeByGrantId deletes every artifact of the grant in the tenant, of any model', async (t) => {
      const store = await storeFor(t, open);
      await store.oidcArtifacts.upsert(A, 'AccessToken', 'at', { grantId: 'g1' }, null);
      await store.oidcArtifacts.upsert(A, 'RefreshToken', 'rt', { grantId: 'g1' }, null);
      await store.oidcArtifacts.upsert(A, 'AccessToken', 'other', { grantId: 'g2' }, null);
      await store.oidcArtifacts.upsert(B, 'AccessToken', 'at', { grantId: 'g1' }, null);
      await store.oidcArtifacts.revokeByGrantId(A, 'g1');
      assert.equal(await store.oidcArtifacts.find(A, 'AccessToken', 'at'), undefined);
      assert.equal(await store.oidcArtifacts.find(A, 'RefreshToken', 'rt'), undefined);
      assert.ok(await store.oidcArtifacts.find(A, 'AccessToken', 'other'), 'another grant stays');
      assert.ok(await store.oidcArtifacts.find(B, 'AccessToken', 'at'), 'another tenant stays');
    });

    it('revokeByAccount deletes the account’s sessions, grants and tokens in the tenant only', async (t) => {
      const store = await storeFor(t, open);
      for (const model of ['Session', 'Grant', 'AccessToken', 'RefreshToken'])
        await store.oidcArtifacts.upsert(A, model, `${model}-1`, { accountId: 'user-1' }, null);
      await store.oidcArtifacts.upsert(A, 'Session', 'someone-else', { accountId: 'user-2' }, null);
      await store.oidcArtifacts.upsert(B, 'Session', 'Session-1', { accountId: 'user-1' }, null);
      await store.oidcArtifacts.revokeByAccount(A, 'user-1');
      for (const model of ['Session', 'Grant', 'AccessToken', 'RefreshToken'])
        assert.equal(await store.oidcArtifacts.find(A, model, `${model}-1`), undefined, model);
      assert.ok(await store.oidcArtifacts.find(A, 'Session', 'someone-else'));
      assert.ok(await store.oidcArtifacts.find(B, 'Session', 'Session-1'));
    });

    it('deleteExpired removes artifacts expired at `now` (inclusive), keeps live and non-expiring ones, and counts', async (t) => {
      const store = await storeFor(t, open);
      await store.oidcArtifacts.upsert(A, 'Session', 'old', {}, T0 - 1);
      await store.oidcArtifacts.upsert(B, 'Session', 'edge', {}, T0);
      await store.oidcArtifacts.upsert(A, 'Session', 'live', {}, T0 + 1);
      await store.oidcArtifacts.upsert(A, 'Client', 'forever', {}, null);
      assert.equal(await store.oidcArtifacts.deleteExpired(T0), 2);
      assert.deepEqual([await store.oidcArtifacts.find(A, 'Session', 'live'), await store.oidcArtifacts.find(A, 'Client', 'forever')].map(Boolean), [
        true,
        true,
      ]);
    });
  });

  describe('signing keys', () => {
    it('listLive returns the active key and retired keys not yet expired, newest first', async (t) => {
      const store = await storeFor(t, open);
      const tenantId = await seedTenant(store);
      const keys = [
        keyRow(tenantId, 'expired', { status: 'retired', createdAt: T0 - 3, expiresAt: T0 }),
        keyRow(tenantId, 'retired', { status: 'retired', createdAt: T0 - 2, expiresAt: T0 + 1 }),
        keyRow(tenantId, 'active', { createdAt: T0 - 1 }),
      ];
      for (const key of keys) await store.signingKeys.insert(key);
      assert.deepEqual(await store.signingKeys.listLive(tenantId, T0), [keys[2], keys[1]]);
    });

    it('listLive lists only the tenant’s own keys', async (t) => {
      const store = await storeFor(t, open);
      const contoso = await seedTenant(store, 'contoso');
      const fabrikam = await seedTenant(store, 'fabrikam');
      await store.signingKeys.insert(keyRow(contoso, 'k-contoso'));
      await store.signingKeys.insert(keyRow(fabrikam, 'k-fabrikam'));
      assert.deepEqual(
        (await store.signingKeys.listLive(fabrikam, T0)).map((k) => k.kid),
        ['k-fabrikam'],
      );
    });

    it('retireActive retires every active key of the tenant with the given expiry, and no other', async (t) => {
      const store = await storeFor(t, open);
      const contoso = await seedTenant(store, 'contoso');
      const fabrikam = await seedTenant(store, 'fabrikam');
      await store.signingKeys.insert(keyRow(contoso, 'k1'));
      await store.signingKeys.insert(keyRow(fabrikam, 'k2'));
      await store.signingKeys.retireActive(contoso, T0 + 86_400_000);
      assert.deepEqual(
        (await store.signingKeys.listLive(contoso, T0)).map((k) => [k.kid, k.status, k.expiresAt]),
        [['k1', 'retired', T0 + 86_400_000]],
      );
      assert.equal((await store.signingKeys.listLive(fabrikam, T0))[0]?.status, 'active');
    });
  });
}
