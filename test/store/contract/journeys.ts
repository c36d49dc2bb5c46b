import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FlowId } from '../../../src/core/ids.ts';
import type { PasscodeRecord, Store } from '../../../src/core/ports.ts';
import { type OpenStore, T0, flowRow, seedTenant, storeFor } from './kit.ts';

/** Flows (optimistic versioning) and their passcodes (single use, attempt-limited). */
export function journeysContract(open: OpenStore) {
  describe('flows', () => {
    it('round-trip every field', async (t) => {
      const store = await storeFor(t, open);
      const flow = flowRow(await seedTenant(store), 'flow-1', { data: { interactionUid: 'uid', csrf: 'c', email: 'ann@contoso.com', nested: { n: 1 } } });
      await store.flows.insert(flow);
      assert.deepEqual(await store.flows.find(flow.id), flow);
    });

    it('update writes the next version when the stored one is one less', async (t) => {
      const store = await storeFor(t, open);
      const flow = flowRow(await seedTenant(store), 'flow-1');
      await store.flows.insert(flow);
      const next = { ...flow, state: 'awaiting_password', data: { ...flow.data, email: 'ann@contoso.com' }, version: 2, expiresAt: flow.expiresAt + 1 };
      assert.equal(await store.flows.update(next), true);
      assert.deepEqual(await store.flows.find(flow.id), next);
    });

    it('update refuses a stale version and changes nothing', async (t) => {
      const store = await storeFor(t, open);
      const flow = flowRow(await seedTenant(store), 'flow-1');
      await store.flows.insert(flow);
      const applied = { ...flow, state: 'awaiting_password', version: 2 };
      await store.flows.update(applied);
      assert.equal(await store.flows.update({ ...flow, state: 'completed', version: 2 }), false, 'same version again');
      assert.equal(await store.flows.update({ ...flow, state: 'completed', version: 4 }), false, 'a version skipped');
      assert.deepEqual(await store.flows.find(flow.id), applied);
    });

    it('update of an unknown flow answers false', async (t) => {
      const store = await storeFor(t, open);
      assert.equal(await store.flows.update(flowRow(await seedTenant(store), 'ghost', { version: 2 })), false);
    });

    it('of concurrent updates from one version, exactly one answers true and its write wins', async (t) => {
      const store = await storeFor(t, open);
      const flow = flowRow(await seedTenant(store), 'flow-1');
      await store.flows.insert(flow);
      const attempts = Array.from({ length: 8 }, (_, i) => ({ ...flow, state: `state-${i}`, version: 2 }));
      const results = await Promise.all(attempts.map((next) => store.flows.update(next)));
      assert.equal(results.filter(Boolean).length, 1);
      const winner = attempts[results.indexOf(true)];
      assert.deepEqual(await store.flows.find(flow.id), winner);
    });

    it('deleteExpired removes flows expired at `now` (inclusive), counts them, keeps the rest', async (t) => {
      const store = await storeFor(t, open);
      const tenantId = await seedTenant(store);
      for (const [id, expiresAt] of [
        ['old', T0 - 1],
        ['edge', T0],
        ['live', T0 + 1],
      ] as const) {
        await store.flows.insert(flowRow(tenantId, id, { expiresAt }));
      }
      assert.equal(await store.flows.deleteExpired(T0), 2);
      assert.deepEqual(await Promise.all(['old', 'edge', 'live'].map(async (id) => (await store.flows.find(id as FlowId))?.id)), [
        undefined,
        undefined,
        'live',
      ]);
    });
  });

  describe('passcodes', () => {
    async function withPasscode(store: Store, overrides: Partial<PasscodeRecord> = {}): Promise<PasscodeRecord> {
      const tenantId = await seedTenant(store);
      const flow = flowRow(tenantId, 'flow-1', { kind: 'password_reset' });
      await store.flows.insert(flow);
      const record: PasscodeRecord = {
        flowId: flow.id,
        tenantId,
        purpose: 'password_reset',
        codeHash: 'hash-1',
        expiresAt: T0 + 600_000,
        failedAttempts: 0,
        sends: 1,
        lastSentAt: T0,
        consumedAt: null,
        ...overrides,
      };
      assert.equal(await store.passcodes.insert(record), true);
      return record;
    }

    it('a second first code for one flow, even from concurrent transactions, is refused without an error', async (t) => {
      const store = await storeFor(t, open);
      const record = await withPasscode(store);
      assert.equal(await store.passcodes.insert({ ...record, codeHash: 'hash-2' }), false);
      assert.equal((await store.passcodes.find(record.flowId))?.codeHash, 'hash-1');
      const flow = flowRow(record.tenantId, 'flow-2', { kind: 'password_reset' });
      await store.flows.insert(flow);
      const racing = await Promise.all(
        ['a', 'b', 'c'].map((n) => store.transaction((tx) => tx.passcodes.insert({ ...record, flowId: flow.id, codeHash: `hash-${n}` }))),
      );
      assert.deepEqual(racing.filter(Boolean).length, 1, `exactly one insert wins: ${racing}`);
    });

    it('round-trip every field', async (t) => {
      const store = await storeFor(t, open);
      const record = await withPasscode(store, { failedAttempts: 2, sends: 3 });
      assert.deepEqual(await store.passcodes.find(record.flowId), record);
    });

    it('consume succeeds once for the right, live code and stamps consumedAt', async (t) => {
      const store = await storeFor(t, open);
      const record = await withPasscode(store);
      assert.equal(await store.passcodes.consume(record.flowId, 'hash-1', T0 + 1, 5), true);
      assert.equal(await store.passcodes.consume(record.flowId, 'hash-1', T0 + 2, 5), false);
      assert.equal((await store.passcodes.find(record.flowId))?.consumedAt, T0 + 1);
    });

    it('consume refuses a wrong code, an expired code and a code past its attempts', async (t) => {
      const store = await storeFor(t, open);
      const record = await withPasscode(store, { failedAttempts: 3 });
      assert.equal(await store.passcodes.consume(record.flowId, 'wrong', T0, 5), false, 'wrong hash');
      assert.equal(await store.passcodes.consume(record.flowId, 'hash-1', record.expiresAt, 5), false, 'expired at `now`');
      assert.equal(await store.passcodes.consume(record.flowId, 'hash-1', T0, 3), false, 'attempts used up');
      assert.equal((await store.passcodes.find(record.flowId))?.consumedAt, null);
    });

    it('of concurrent consumes of one code, exactly one answers true', async (t) => {
      const store = await storeFor(t, open);
      const record = await withPasscode(store);
      const results = await Promise.all(Array.from({ length: 8 }, () => store.passcodes.consume(record.flowId, 'hash-1', T0, 5)));
      assert.equal(results.filter(Boolean).length, 1);
    });

    it('replaceCode swaps hash and expiry, counts the send and keeps the failed attempts', async (t) => {
      const store = await storeFor(t, open);
      const record = await withPasscode(store, { failedAttempts: 2 });
      await store.passcodes.replaceCode(record.flowId, 'hash-2', T0 + 900_000, T0 + 60_000);
      assert.deepEqual(await store.passcodes.find(record.flowId), {
        ...record,
        codeHash: 'hash-2',
        expiresAt: T0 + 900_000,
        lastSentAt: T0 + 60_000,
        sends: 2,
        failedAttempts: 2,
      });
      assert.equal(await store.passcodes.consume(record.flowId, 'hash-1', T0 + 60_001, 5), false, 'the old code is dead');
      assert.equal(await store.passcodes.consume(record.flowId, 'hash-2', T0 + 60_001, 5), true);
    });

    it('recordFailure adds one atomically and returns the new count', async (t) => {
      const store = await storeFor(t, open);
      const record = await withPasscode(store);
      const counts = await Promise.all(Array.from({ length: 6 }, () => store.passcodes.recordFailure(record.flowId)));
      assert.deepEqual(
        [...counts].sort((a, b) => a - b),
        [1, 2, 3, 4, 5, 6],
      );
      assert.equal((await store.passcodes.find(record.flowId))?.failedAttempts, 6);
    });

    it('go with their flow when it is deleted', async (t) => {
      const store = await storeFor(t, open);
      const record = await withPasscode(store, { expiresAt: T0 });
      await store.flows.deleteExpired(T0 + 120_000);
      assert.equal(await store.passcodes.find(record.flowId), undefined);
    });
  });
}
