import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { T0, testCore } from '../../../test/fixtures/core.ts';
import { DomainError, type ErrorCode } from '../errors.ts';
import type { UserId } from '../ids.ts';
import { createTenantService } from '../tenants/tenant-service.ts';
import { createUserService } from './user-service.ts';

const failsWith = (code: ErrorCode) => (error: unknown) => error instanceof DomainError && error.code === code;
/** Long and random enough that no blocklist holds it. */
const PASSWORD = 'vK7#mQ2!pLx9-Rt';

async function setup(t: { after(fn: () => Promise<void>): void }) {
  const core = await testCore(t);
  const tenantService = createTenantService(core.deps);
  const contoso = await tenantService.create('contoso');
  const fabrikam = await tenantService.create('fabrikam');
  return { ...core, contoso, fabrikam, users: createUserService(core.deps) };
}

describe('user service', () => {
  describe('create', () => {
    it('stores the email as typed (trimmed) and its case-folded key', async (t) => {
      const { users, contoso, store } = await setup(t);
      const user = await users.create({ tenantId: contoso.id, email: '  Ann.Lee@Contoso.COM ' });
      const stored = await store.users.findById(contoso.id, user.id);
      assert.equal(stored?.email, 'Ann.Lee@Contoso.COM');
      assert.equal(stored?.emailNormalized, 'ann.lee@contoso.com');
    });

    it('starts enabled, unverified, stamped with the clock’s time', async (t) => {
      const { users, contoso } = await setup(t);
      const user = await users.create({ tenantId: contoso.id, email: 'ann@contoso.com' });
      assert.deepEqual([user.enabled, user.emailVerified, user.createdAt, user.updatedAt], [true, false, T0, T0]);
    });

    it('keeps emailVerified and attributes when given', async (t) => {
      const { users, contoso, store } = await setup(t);
      const user = await users.create({
        tenantId: contoso.id,
        email: 'ann@contoso.com',
        emailVerified: true,
        attributes: { city: 'Oslo', age: 42, vip: true },
      });
      const stored = await store.users.findById(contoso.id, user.id);
      assert.equal(stored?.emailVerified, true);
      assert.deepEqual(stored?.attributes, { city: 'Oslo', age: 42, vip: true });
    });

    it('refuses an invalid email with invalid_email', async (t) => {
      const { users, contoso } = await setup(t);
      await assert.rejects(users.create({ tenantId: contoso.id, email: 'not-an-email' }), failsWith('invalid_email'));
    });
  });

  describe('display name', () => {
    it('defaults to the local part of the email, as typed', async (t) => {
      const { users, contoso } = await setup(t);
      assert.equal((await users.create({ tenantId: contoso.id, email: 'Ann.Lee@Contoso.com' })).displayName, 'Ann.Lee');
    });

    it('defaults the same way when the given name is blank', async (t) => {
      const { users, contoso } = await setup(t);
      assert.equal((await users.create({ tenantId: contoso.id, email: 'ann@contoso.com', displayName: '   ' })).displayName, 'ann');
    });

    it('is trimmed when given', async (t) => {
      const { users, contoso } = await setup(t);
      assert.equal((await users.create({ tenantId: contoso.id, email: 'ann@contoso.com', displayName: '  Ann Lee ' })).displayName, 'Ann Lee');
    });

    it('may have 256 characters, not 257 (invalid_input)', async (t) => {
      const { users, contoso } = await setup(t);
      await users.create({ tenantId: contoso.id, email: 'ann@contoso.com', displayName: 'n'.repeat(256) });
      await assert.rejects(users.create({ tenantId: contoso.id, email: 'bob@contoso.com', displayName: 'n'.repeat(257) }), failsWith('invalid_input'));
    });
  });

  describe('email uniqueness', () => {
    it('refuses the same address in another case with email_taken', async (t) => {
      const { users, contoso } = await setup(t);
      await users.create({ tenantId: contoso.id, email: 'ann@contoso.com' });
      await assert.rejects(users.create({ tenantId: contoso.id, email: ' ANN@Contoso.com' }), failsWith('email_taken'));
    });

    it('refuses the full-width spelling of a taken address', async (t) => {
      const { users, contoso } = await setup(t);
      await users.create({ tenantId: contoso.id, email: 'ann@contoso.com' });
      await assert.rejects(users.create({ tenantId: contoso.id, email: 'ａｎｎ@contoso.com' }), failsWith('email_taken'));
    });

    it('allows the same address in another tenant', async (t) => {
      const { users, contoso, fabrikam } = await setup(t);
      const a = await users.create({ tenantId: contoso.id, email: 'ann@contoso.com' });
      const b = await users.create({ tenantId: fabrikam.id, email: 'Ann@Contoso.com' });
      assert.notEqual(a.id, b.id);
      assert.equal((await users.list(fabrikam.id)).length, 1);
    });

    it('leaves no password behind for the refused duplicate', async (t) => {
      const { users, contoso, store } = await setup(t);
      const first = await users.create({ tenantId: contoso.id, email: 'ann@contoso.com', password: PASSWORD });
      await assert.rejects(users.create({ tenantId: contoso.id, email: 'ANN@contoso.com', password: `${PASSWORD}-other` }), failsWith('email_taken'));
      assert.equal((await store.passwords.find(first.id))?.hash, `fake$v1$${PASSWORD}`);
    });
  });

  describe('password', () => {
    it('stores only the hasher’s output for the NFKC-normalised password', async (t) => {
      const { users, contoso, store } = await setup(t);
      const user = await users.create({ tenantId: contoso.id, email: 'ann@contoso.com', password: 'ｖＫ７＃ｍＱ２！ｐＬｘ９－Ｒｔ' });
      assert.deepEqual(await store.passwords.find(user.id), { userId: user.id, hash: `fake$v1$${PASSWORD}`, updatedAt: T0 });
    });

    it('creates no credential when no password is given', async (t) => {
      const { users, contoso, store, hasher } = await setup(t);
      const user = await users.create({ tenantId: contoso.id, email: 'ann@contoso.com' });
      assert.equal(await store.passwords.find(user.id), undefined);
      assert.equal(hasher.calls.hash, 0);
    });

    it('refuses a too-short password before creating the user', async (t) => {
      const { users, contoso } = await setup(t);
      await assert.rejects(users.create({ tenantId: contoso.id, email: 'ann@contoso.com', password: 'short' }), failsWith('password_too_short'));
      assert.deepEqual(await users.list(contoso.id), []);
    });
  });

  describe('get and list', () => {
    it('get fails with user_not_found for an unknown id', async (t) => {
      const { users, contoso } = await setup(t);
      await assert.rejects(users.get(contoso.id, 'nobody' as UserId), failsWith('user_not_found'));
    });

    it('get does not find a user through another tenant', async (t) => {
      const { users, contoso, fabrikam } = await setup(t);
      const user = await users.create({ tenantId: contoso.id, email: 'ann@contoso.com' });
      await assert.rejects(users.get(fabrikam.id, user.id), failsWith('user_not_found'));
    });

    it('lists by normalised email and pages with afterEmail', async (t) => {
      const { users, contoso } = await setup(t);
      for (const email of ['Carl@x.example', 'ann@x.example', 'Bob@x.example']) await users.create({ tenantId: contoso.id, email });
      const first = await users.list(contoso.id, { limit: 2 });
      assert.deepEqual(
        first.map((u) => u.email),
        ['ann@x.example', 'Bob@x.example'],
      );
      const next = await users.list(contoso.id, { limit: 2, afterEmail: first.at(-1)?.emailNormalized });
      assert.deepEqual(
        next.map((u) => u.email),
        ['Carl@x.example'],
      );
    });

    it('clamps the page size to at least one', async (t) => {
      const { users, contoso } = await setup(t);
      for (const email of ['a@x.example', 'b@x.example']) await users.create({ tenantId: contoso.id, email });
      assert.equal((await users.list(contoso.id, { limit: 0 })).length, 1);
    });
  });
});
