import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { T0, testCore } from '../../../test/fixtures/core.ts';
import type { UserId } from '../ids.ts';
import { createTenantService } from '../tenants/tenant-service.ts';
import { createUserService } from '../users/user-service.ts';
import { createPasswordAuthenticator } from './password-authenticator.ts';

const PASSWORD = 'vK7#mQ2!pLx9-Rt';

async function setup(t: { after(fn: () => Promise<void>): void }) {
  const core = await testCore(t);
  const tenant = await createTenantService(core.deps).create('contoso');
  const users = createUserService(core.deps);
  const ann = await users.create({ tenantId: tenant.id, email: 'ann@contoso.com', password: PASSWORD });
  const noPassword = await users.create({ tenantId: tenant.id, email: 'nopass@contoso.com' });
  // The user service cannot disable anyone yet, so the disabled account is written directly.
  const disabled = { ...ann, id: 'disabled-user' as UserId, email: 'off@contoso.com', emailNormalized: 'off@contoso.com', enabled: false };
  await core.store.users.insert(disabled);
  await core.store.passwords.upsert({ userId: disabled.id, hash: await core.hasher.hash(PASSWORD), updatedAt: T0 });
  return { ...core, tenant, ann, noPassword, disabled, authenticator: createPasswordAuthenticator(core.deps) };
}

describe('password authenticator', () => {
  it('accepts the right password and names the user', async (t) => {
    const { authenticator, tenant, ann } = await setup(t);
    const result = await authenticator.check(tenant.id, 'ann@contoso.com', PASSWORD);
    assert.equal(result.ok, true);
    assert.equal(result.user?.id, ann.id);
  });

  it('accepts the password typed in another Unicode form (NFKC at check time too)', async (t) => {
    const { authenticator, tenant } = await setup(t);
    assert.equal((await authenticator.check(tenant.id, 'ann@contoso.com', 'ｖＫ７＃ｍＱ２！ｐＬｘ９－Ｒｔ')).ok, true);
  });

  describe('failure reasons (for the sign-in log; the user sees one generic error)', () => {
    it('a wrong password is invalid_password, with the user', async (t) => {
      const { authenticator, tenant, ann } = await setup(t);
      assert.deepEqual(await authenticator.check(tenant.id, 'ann@contoso.com', `${PASSWORD}!`), { ok: false, user: ann, reason: 'invalid_password' });
    });

    it('an unknown email is unknown_user, with no user', async (t) => {
      const { authenticator, tenant } = await setup(t);
      assert.deepEqual(await authenticator.check(tenant.id, 'nobody@contoso.com', PASSWORD), { ok: false, user: null, reason: 'unknown_user' });
    });

    it('a user without a password is no_password', async (t) => {
      const { authenticator, tenant, noPassword } = await setup(t);
      assert.deepEqual(await authenticator.check(tenant.id, 'nopass@contoso.com', PASSWORD), { ok: false, user: noPassword, reason: 'no_password' });
    });

    it('a disabled user with the right password is user_disabled', async (t) => {
      const { authenticator, tenant, disabled } = await setup(t);
      assert.deepEqual(await authenticator.check(tenant.id, 'off@contoso.com', PASSWORD), { ok: false, user: disabled, reason: 'user_disabled' });
    });

    it('a disabled user with a wrong password is invalid_password: being disabled is told only to the holder of the password', async (t) => {
      const { authenticator, tenant } = await setup(t);
      const result = await authenticator.check(tenant.id, 'off@contoso.com', 'wrong-password');
      assert.equal(result.ok === false && result.reason, 'invalid_password');
    });

    it('the user of another tenant is unknown here', async (t) => {
      const { authenticator, deps } = await setup(t);
      const other = await createTenantService(deps).create('fabrikam');
      assert.equal((await authenticator.check(other.id, 'ann@contoso.com', PASSWORD)).ok, false);
    });
  });

  describe('timing: every path costs exactly one verification', () => {
    const paths: Array<[string, string, string]> = [
      ['the right password', 'ann@contoso.com', PASSWORD],
      ['a wrong password', 'ann@contoso.com', 'wrong-password'],
      ['an unknown email', 'nobody@contoso.com', PASSWORD],
      ['a user without a password', 'nopass@contoso.com', PASSWORD],
      ['a disabled user', 'off@contoso.com', PASSWORD],
    ];
    for (const [what, email, password] of paths) {
      it(`${what} calls verify once`, async (t) => {
        const { authenticator, tenant, hasher } = await setup(t);
        const before = hasher.calls.verify;
        await authenticator.check(tenant.id, email, password);
        assert.equal(hasher.calls.verify - before, 1);
      });
    }

    it('an unknown email is verified against a dummy hash made once, not per request', async (t) => {
      const { authenticator, tenant, hasher } = await setup(t);
      const before = { ...hasher.calls };
      for (const email of ['x@contoso.com', 'y@contoso.com', 'z@contoso.com']) await authenticator.check(tenant.id, email, PASSWORD);
      assert.deepEqual([hasher.calls.verify - before.verify, hasher.calls.hash - before.hash], [3, 1]);
    });

    it('warmUp makes the dummy hash ahead of the first request', async (t) => {
      const { authenticator, tenant, hasher } = await setup(t);
      await authenticator.warmUp();
      const hashesAfterWarmUp = hasher.calls.hash;
      await authenticator.check(tenant.id, 'nobody@contoso.com', PASSWORD);
      assert.equal(hasher.calls.hash, hashesAfterWarmUp);
    });

    it('the dummy hash never matches, whatever the password', async (t) => {
      const { authenticator, tenant } = await setup(t);
      assert.equal((await authenticator.check(tenant.id, 'nobody@contoso.com', '')).ok, false);
    });
  });

  describe('rehash when parameters change', () => {
    it('replaces an old-parameter hash after a successful check', async (t) => {
      const { authenticator, tenant, ann, hasher, store, clock } = await setup(t);
      hasher.setVersion('v2');
      clock.advance(5_000);
      assert.equal((await authenticator.check(tenant.id, 'ann@contoso.com', PASSWORD)).ok, true);
      assert.deepEqual(await store.passwords.find(ann.id), { userId: ann.id, hash: `fake$v2$${PASSWORD}`, updatedAt: T0 + 5_000 });
    });

    it('the new hash still verifies the same password', async (t) => {
      const { authenticator, tenant, hasher } = await setup(t);
      hasher.setVersion('v2');
      await authenticator.check(tenant.id, 'ann@contoso.com', PASSWORD);
      assert.equal((await authenticator.check(tenant.id, 'ann@contoso.com', PASSWORD)).ok, true);
    });

    it('leaves a current hash alone', async (t) => {
      const { authenticator, tenant, ann, store, clock, hasher } = await setup(t);
      clock.advance(5_000);
      const hashes = hasher.calls.hash;
      await authenticator.check(tenant.id, 'ann@contoso.com', PASSWORD);
      assert.deepEqual(await store.passwords.find(ann.id), { userId: ann.id, hash: `fake$v1$${PASSWORD}`, updatedAt: T0 });
      assert.equal(hasher.calls.hash, hashes);
    });

    it('does not rehash on a failed check', async (t) => {
      const { authenticator, tenant, ann, store, hasher } = await setup(t);
      hasher.setVersion('v2');
      await authenticator.check(tenant.id, 'ann@contoso.com', 'wrong-password');
      assert.equal((await store.passwords.find(ann.id))?.hash, `fake$v1$${PASSWORD}`);
    });

    it('does not rehash for a disabled user', async (t) => {
      const { authenticator, tenant, disabled, store, hasher } = await setup(t);
      hasher.setVersion('v2');
      await authenticator.check(tenant.id, 'off@contoso.com', PASSWORD);
      assert.equal((await store.passwords.find(disabled.id))?.hash, `fake$v1$${PASSWORD}`);
    });
  });
});
