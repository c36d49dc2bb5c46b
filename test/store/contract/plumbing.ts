import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SignInEvent } from '../../../src/core/audit/sign-in-event.ts';
import type { AppId, TenantId, UserId } from '../../../src/core/ids.ts';
import type { OutgoingMail } from '../../../src/core/mail/outgoing-mail.ts';
import { type OpenStore, T0, flowRow, seedTenant, storeFor, tenantRow, userRow } from './kit.ts';

/** A time past 2^32 ms and 2^41 ms: it only survives if int8 columns come back as numbers. */
const FAR = Date.UTC(2200, 0, 1, 0, 0, 0, 123);

const mailRow = (tenantId: TenantId, id: string, createdAt = T0): OutgoingMail => ({
  id,
  tenantId,
  to: 'ann@contoso.com',
  template: 'passcode_sign_in',
  locale: 'en',
  params: { code: '12345678', lifetimeMinutes: 10 },
  createdAt,
});

/** Transactions, value types on the wire, the logs and the outbox. */
export function plumbingContract(open: OpenStore) {
  describe('transactions', () => {
    it('commit every write and return the callback’s value', async (t) => {
      const store = await storeFor(t, open);
      const result = await store.transaction(async (tx) => {
        await tx.tenants.insert(tenantRow('contoso'));
        await tx.users.insert(userRow('tenant-contoso' as TenantId, 'ann@contoso.com'));
        return 'done';
      });
      assert.equal(result, 'done');
      assert.ok(await store.users.findByEmail('tenant-contoso' as TenantId, 'ann@contoso.com'));
    });

    it('see their own writes before commit', async (t) => {
      const store = await storeFor(t, open);
      await store.transaction(async (tx) => {
        await tx.tenants.insert(tenantRow('contoso'));
        assert.equal((await tx.tenants.findByName('contoso'))?.name, 'contoso');
      });
    });

    it('roll back every write when the callback throws, and rethrow its error', async (t) => {
      const store = await storeFor(t, open);
      const boom = new Error('boom');
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.tenants.insert(tenantRow('contoso'));
          await tx.users.insert(userRow('tenant-contoso' as TenantId, 'ann@contoso.com'));
          await tx.flows.insert(flowRow('tenant-contoso' as TenantId, 'flow-1'));
          throw boom;
        }),
        (error) => error === boom,
      );
      assert.equal(await store.tenants.findByName('contoso'), undefined);
      assert.equal(await store.users.findByEmail('tenant-contoso' as TenantId, 'ann@contoso.com'), undefined);
    });

    it('roll back when a write inside fails (email_taken) and leave earlier data alone', async (t) => {
      const store = await storeFor(t, open);
      const tenantId = await seedTenant(store);
      await store.users.insert(userRow(tenantId, 'ann@contoso.com'));
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.tenants.bumpConfigVersion(tenantId);
          await tx.users.insert(userRow(tenantId, 'ann@contoso.com', { id: 'twin' as UserId }));
        }),
      );
      assert.equal((await store.tenants.findById(tenantId))?.configVersion, 1);
      assert.equal((await store.users.list(tenantId, { limit: 10 })).length, 1);
    });

    it('nest: an inner transaction joins the outer one and rolls back with it', async (t) => {
      const store = await storeFor(t, open);
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.transaction((inner) => inner.tenants.insert(tenantRow('contoso')));
          throw new Error('outer fails after the inner one finished');
        }),
      );
      assert.equal(await store.tenants.findByName('contoso'), undefined);
    });

    it('ping answers on a healthy store', async (t) => {
      const store = await storeFor(t, open);
      await store.ping();
    });
  });

  describe('value types', () => {
    it('timestamps come back as numbers, exactly, far beyond 32 bits', async (t) => {
      const store = await storeFor(t, open);
      const tenant = tenantRow('contoso', { createdAt: FAR });
      await store.tenants.insert(tenant);
      const user = userRow(tenant.id, 'ann@contoso.com', { createdAt: FAR, updatedAt: FAR + 1 });
      await store.users.insert(user);
      await store.flows.insert(flowRow(tenant.id, 'flow-1', { createdAt: FAR, expiresAt: FAR + 2 }));
      await store.oidcArtifacts.upsert(tenant.id, 'Session', 's1', {}, FAR + 3);
      await store.passwords.upsert({ userId: user.id, hash: 'h', updatedAt: FAR + 4 });
      const values = [
        (await store.tenants.findById(tenant.id))?.createdAt,
        (await store.users.findById(tenant.id, user.id))?.createdAt,
        (await store.users.findById(tenant.id, user.id))?.updatedAt,
        (await store.flows.find(flowRow(tenant.id, 'flow-1').id))?.expiresAt,
        (await store.oidcArtifacts.find(tenant.id, 'Session', 's1'))?.expiresAt,
        (await store.passwords.find(user.id))?.updatedAt,
      ];
      assert.deepEqual(values, [FAR, FAR, FAR + 1, FAR + 2, FAR + 3, FAR + 4]);
      assert.ok(values.every((v) => typeof v === 'number'));
    });

    it('versions and counters come back as numbers', async (t) => {
      const store = await storeFor(t, open);
      const tenantId = await seedTenant(store);
      await store.flows.insert(flowRow(tenantId, 'flow-1', { version: 7 }));
      await store.tenants.bumpConfigVersion(tenantId);
      assert.equal((await store.flows.find(flowRow(tenantId, 'flow-1').id))?.version, 7);
      assert.equal((await store.tenants.findById(tenantId))?.configVersion, 2);
    });

    it('booleans come back as true and false, not 1 and 0', async (t) => {
      const store = await storeFor(t, open);
      const tenantId = await seedTenant(store);
      await store.users.insert(userRow(tenantId, 'on@contoso.com', { enabled: true, emailVerified: false }));
      await store.users.insert(userRow(tenantId, 'off@contoso.com', { enabled: false, emailVerified: true }));
      const users = await store.users.list(tenantId, { limit: 10 });
      assert.deepEqual(
        users.map((u) => [u.email, u.enabled, u.emailVerified]),
        [
          ['off@contoso.com', false, true],
          ['on@contoso.com', true, false],
        ],
      );
    });

    it('text keeps non-ASCII, quotes and JSON-looking strings intact', async (t) => {
      const store = await storeFor(t, open);
      const tenantId = await seedTenant(store);
      const user = userRow(tenantId, 'zoë@bücher.example', { displayName: `O'Brien "Zoë" 🔑 {"x":1}`, attributes: { note: "it's \\ fine", emoji: '🔑' } });
      await store.users.insert(user);
      assert.deepEqual(await store.users.findById(tenantId, user.id), user);
    });
  });

  describe('sign-in and audit logs', () => {
    it('sign-in events come back newest first, limited, with their nulls', async (t) => {
      const store = await storeFor(t, open);
      const tenantId = await seedTenant(store);
      const event = (at: number, overrides: Partial<SignInEvent> = {}): SignInEvent => ({
        tenantId,
        at,
        userId: 'user-1' as UserId,
        email: 'ann@contoso.com',
        appId: 'app-1' as AppId,
        method: 'password',
        outcome: 'success',
        reason: 'ok',
        ip: '203.0.113.7',
        userAgent: 'Firefox',
        ...overrides,
      });
      const events = [
        event(T0),
        event(T0 + 2, { userId: null, appId: null, ip: null, userAgent: null, outcome: 'failure', reason: 'unknown_user' }),
        event(T0 + 1, { method: 'email_otp' }),
      ];
      for (const e of events) await store.signInLog.append(e);
      assert.deepEqual(await store.signInLog.list(tenantId, 2), [events[1], events[2]]);
    });

    it('audit events come back newest first with their details', async (t) => {
      const store = await storeFor(t, open);
      const tenantId = await seedTenant(store);
      const first = { tenantId, at: T0, actor: 'cli', action: 'tenant.keys.rotate', target: null, details: {} };
      const second = {
        tenantId,
        at: T0 + 1,
        actor: 'user:u1',
        action: 'password.reset',
        target: 'user:u1',
        details: { ip: '203.0.113.7', sessionsRevoked: 2 },
      };
      await store.auditLog.append(first);
      await store.auditLog.append(second);
      assert.deepEqual(await store.auditLog.list(tenantId, 10), [second, first]);
    });
  });

  describe('outbox', () => {
    it('a queued mail is pending and due at its creation time', async (t) => {
      const store = await storeFor(t, open);
      const tenantId = await seedTenant(store);
      await store.outbox.enqueue(mailRow(tenantId, 'm1'));
      assert.equal(await store.outbox.pendingCount(), 1);
      assert.deepEqual(await store.outbox.claimDue(T0 - 1, 10, 30_000), []);
      assert.deepEqual(await store.outbox.claimDue(T0, 10, 30_000), [{ ...mailRow(tenantId, 'm1'), attempts: 0 }]);
    });

    it('a leased mail is not handed out again until the lease ends', async (t) => {
      const store = await storeFor(t, open);
      await store.outbox.enqueue(mailRow(await seedTenant(store), 'm1'));
      assert.equal((await store.outbox.claimDue(T0, 10, 30_000)).length, 1);
      assert.equal((await store.outbox.claimDue(T0 + 29_999, 10, 30_000)).length, 0);
      assert.equal((await store.outbox.claimDue(T0 + 30_000, 10, 30_000)).length, 1);
    });

    it('of concurrent claims, each mail goes to one claimant', async (t) => {
      const store = await storeFor(t, open);
      const tenantId = await seedTenant(store);
      for (let i = 0; i < 5; i++) await store.outbox.enqueue(mailRow(tenantId, `m${i}`));
      const claims = await Promise.all(Array.from({ length: 4 }, () => store.outbox.claimDue(T0, 10, 30_000)));
      const ids = claims.flat().map((m) => m.id);
      assert.deepEqual([...ids].sort(), ['m0', 'm1', 'm2', 'm3', 'm4']);
    });

    it('claims at most `limit` mails, oldest due first', async (t) => {
      const store = await storeFor(t, open);
      const tenantId = await seedTenant(store);
      for (const [id, at] of [
        ['late', T0 + 2],
        ['early', T0],
        ['middle', T0 + 1],
      ] as const) {
        await store.outbox.enqueue(mailRow(tenantId, id, at));
      }
      assert.deepEqual(
        (await store.outbox.claimDue(T0 + 10, 2, 30_000)).map((m) => m.id),
        ['early', 'middle'],
      );
    });

    it('a sent mail is no longer pending nor claimed', async (t) => {
      const store = await storeFor(t, open);
      await store.outbox.enqueue(mailRow(await seedTenant(store), 'm1'));
      await store.outbox.markSent('m1', T0 + 1);
      assert.equal(await store.outbox.pendingCount(), 0);
      assert.deepEqual(await store.outbox.claimDue(T0 + 3_600_000, 10, 30_000), []);
    });

    it('a failed mail counts the attempt and is due again at retryAt', async (t) => {
      const store = await storeFor(t, open);
      await store.outbox.enqueue(mailRow(await seedTenant(store), 'm1'));
      await store.outbox.claimDue(T0, 10, 30_000);
      await store.outbox.markFailed('m1', 'SMTP 451', T0 + 60_000);
      assert.deepEqual(await store.outbox.claimDue(T0 + 59_999, 10, 30_000), []);
      assert.deepEqual(
        (await store.outbox.claimDue(T0 + 60_000, 10, 30_000)).map((m) => [m.id, m.attempts]),
        [['m1', 1]],
      );
    });
  });
}
