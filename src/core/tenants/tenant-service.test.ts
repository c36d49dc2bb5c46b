import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { T0, testCore } from '../../../test/fixtures/core.ts';
import { dialects } from '../../../test/fixtures/server.ts';
import { emptiedDatabases } from '../../../test/store/databases.ts';
import { DomainError, type ErrorCode } from '../errors.ts';
import type { TenantId } from '../ids.ts';
import { RETIRED_KEY_OVERLAP_MS, createTenantService } from './tenant-service.ts';
import { isValidTenantName } from './tenant.ts';

const failsWith = (code: ErrorCode) => (error: unknown) => error instanceof DomainError && error.code === code;
const HOUR = 60 * 60 * 1000;

async function setup(t: { after(fn: () => Promise<void>): void }) {
  const core = await testCore(t);
  return { ...core, tenants: createTenantService(core.deps) };
}

describe('tenant names', () => {
  for (const name of ['ab', 'contoso', 'contoso-eu-2', `a${'b'.repeat(39)}`]) {
    it(`accepts ${JSON.stringify(name)}`, () => assert.equal(isValidTenantName(name), true));
  }

  const refused: Array<[string, string]> = [
    ['one character', 'a'],
    ['41 characters', `a${'b'.repeat(40)}`],
    ['upper case', 'Contoso'],
    ['a leading digit', '1contoso'],
    ['a leading hyphen', '-contoso'],
    ['an underscore', 'con_toso'],
    ['a dot', 'con.toso'],
    ['a slash', 'con/toso'],
    ['non-ASCII', 'contosö'],
    ['the empty string', ''],
  ];
  for (const [what, name] of refused) {
    it(`refuses ${what}: ${JSON.stringify(name)}`, () => assert.equal(isValidTenantName(name), false));
  }

  for (const name of ['admin', 'health', 'ready', 'static', 'dev', 'assets', 'api', 'common', 'organizations']) {
    it(`reserves "${name}", one of Latchkey's own top-level paths`, () => assert.equal(isValidTenantName(name), false));
  }
});

describe('tenant service', () => {
  describe('create', () => {
    it('stores the tenant at config version 1 with the fake clock’s time', async (t) => {
      const { tenants, store } = await setup(t);
      const tenant = await tenants.create('contoso', '  Contoso Ltd  ');
      assert.deepEqual(await store.tenants.findById(tenant.id), { ...tenant, displayName: 'Contoso Ltd', configVersion: 1, createdAt: T0, policies: {} });
    });

    it('uses the name as display name when none is given', async (t) => {
      const { tenants } = await setup(t);
      assert.equal((await tenants.create('contoso')).displayName, 'contoso');
      assert.equal((await tenants.create('fabrikam', '   ')).displayName, 'fabrikam');
    });

    it('gives the new tenant exactly one active signing key', async (t) => {
      const { tenants } = await setup(t);
      const tenant = await tenants.create('contoso');
      const keys = await tenants.liveKeys(tenant.id);
      assert.equal(keys.length, 1);
      assert.equal(keys[0]?.status, 'active');
      assert.equal(keys[0]?.expiresAt, null);
    });

    it('refuses an invalid name with invalid_tenant_name and stores nothing', async (t) => {
      const { tenants } = await setup(t);
      await assert.rejects(tenants.create('Contoso'), failsWith('invalid_tenant_name'));
      assert.deepEqual(await tenants.list(), []);
    });

    it('refuses a reserved name with invalid_tenant_name', async (t) => {
      const { tenants } = await setup(t);
      await assert.rejects(tenants.create('admin'), failsWith('invalid_tenant_name'));
    });

    it('refuses a name already taken with tenant_exists', async (t) => {
      const { tenants } = await setup(t);
      await tenants.create('contoso');
      await assert.rejects(tenants.create('contoso', 'Another'), failsWith('tenant_exists'));
      assert.equal((await tenants.list()).length, 1);
    });

    it('lets exactly one of two simultaneous creates of a name win', async (t) => {
      const { tenants } = await setup(t);
      const results = await Promise.allSettled([tenants.create('contoso'), tenants.create('contoso')]);
      assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
      const loser = results.find((r) => r.status === 'rejected');
      assert.ok(failsWith('tenant_exists')(loser?.reason));
      assert.equal((await tenants.list()).length, 1);
    });
  });

  describe('getByName', () => {
    it('finds a tenant by its name', async (t) => {
      const { tenants } = await setup(t);
      const tenant = await tenants.create('contoso');
      assert.equal((await tenants.getByName('contoso')).id, tenant.id);
    });

    it('fails with tenant_not_found for an unknown name', async (t) => {
      const { tenants } = await setup(t);
      await assert.rejects(tenants.getByName('nobody'), failsWith('tenant_not_found'));
    });
  });

  describe('key rotation', () => {
    it('makes a new active key and retires the old one, expiring 24 hours later', async (t) => {
      const { tenants, clock } = await setup(t);
      const tenant = await tenants.create('contoso');
      const [old] = await tenants.liveKeys(tenant.id);
      clock.advance(HOUR);
      const fresh = await tenants.rotateKeys(tenant.id);
      const keys = await tenants.liveKeys(tenant.id);
      assert.equal(RETIRED_KEY_OVERLAP_MS, 24 * HOUR);
      assert.deepEqual(
        keys.map((k) => [k.kid, k.status, k.expiresAt]),
        [
          [fresh.kid, 'active', null],
          [old?.kid, 'retired', T0 + HOUR + 24 * HOUR],
        ],
      );
    });

    it('keeps publishing the retired key until it expires, then drops it', async (t) => {
      const { tenants, clock } = await setup(t);
      const tenant = await tenants.create('contoso');
      const fresh = await tenants.rotateKeys(tenant.id);
      clock.advance(24 * HOUR - 1);
      assert.equal((await tenants.liveKeys(tenant.id)).length, 2);
      clock.advance(1);
      assert.deepEqual(
        (await tenants.liveKeys(tenant.id)).map((k) => k.kid),
        [fresh.kid],
      );
    });

    it('bumps configVersion so every node rebuilds the tenant’s provider', async (t) => {
      const { tenants } = await setup(t);
      const tenant = await tenants.create('contoso');
      await tenants.rotateKeys(tenant.id);
      await tenants.rotateKeys(tenant.id);
      assert.equal((await tenants.getByName('contoso')).configVersion, 3);
    });

    it('leaves exactly one active key after several rotations', async (t) => {
      const { tenants } = await setup(t);
      const tenant = await tenants.create('contoso');
      for (let i = 0; i < 3; i++) await tenants.rotateKeys(tenant.id);
      const keys = await tenants.liveKeys(tenant.id);
      assert.equal(keys.filter((k) => k.status === 'active').length, 1);
      assert.equal(keys.length, 4);
    });

    it('touches only the rotated tenant', async (t) => {
      const { tenants } = await setup(t);
      const contoso = await tenants.create('contoso');
      const fabrikam = await tenants.create('fabrikam');
      await tenants.rotateKeys(contoso.id);
      const keys = await tenants.liveKeys(fabrikam.id);
      assert.deepEqual(
        keys.map((k) => k.status),
        ['active'],
      );
      assert.equal((await tenants.getByName('fabrikam')).configVersion, 1);
    });

    it('fails with tenant_not_found for an unknown tenant', async (t) => {
      const { tenants } = await setup(t);
      await assert.rejects(tenants.rotateKeys('no-such-tenant' as TenantId), failsWith('tenant_not_found'));
    });
  });
});

// Rotation is a read-modify-write across rows (retire the active keys, add one), so it is checked
// on every database: PostgreSQL runs the two transactions side by side, SQLite one after the other.
for (const dialect of dialects()) {
  const databases = emptiedDatabases(dialect);
  after(() => databases.dropAll());

  describe(`key rotation under concurrency (${dialect})`, () => {
    it('simultaneous rotations leave exactly one active key', async (t) => {
      const { store } = await databases.open();
      const { deps } = await testCore(t, { store });
      const tenants = createTenantService(deps);
      const tenant = await tenants.create('contoso');
      for (let round = 0; round < 3; round++) {
        await Promise.all([tenants.rotateKeys(tenant.id), tenants.rotateKeys(tenant.id)]);
        const active = (await tenants.liveKeys(tenant.id)).filter((k) => k.status === 'active');
        assert.equal(active.length, 1, `after round ${round + 1}`);
      }
      assert.equal((await tenants.getByName('contoso')).configVersion, 7);
    });
  });
}
