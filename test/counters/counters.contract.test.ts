import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { Counters } from '../../src/core/ports.ts';
import type { CountersAdapter } from '../../src/counters/counters-adapter.ts';
import { createCounters } from '../../src/counters/index.ts';
import { createMemoryCounters } from '../../src/counters/memory.ts';
import { createPostgresCounters } from '../../src/counters/postgres.ts';
import { createRedisCounters } from '../../src/counters/redis.ts';
import { dialects, freshDatabase } from '../fixtures/server.ts';

/**
 * One contract for every Counters adapter (STYLE C13). Time is real here: PostgreSQL and Redis
 * count with their own notion of time, so windows are short and waits bounded.
 */

const DAY_MS = 24 * 60 * 60 * 1000;
const redisUrl = process.env.LATCHKEY_TEST_REDIS_URL ?? (process.env.CI === 'true' ? 'redis://127.0.0.1:6379' : undefined);
const hasPostgres = dialects().includes('postgres');

/** Opens one adapter; every adapter a backend opens shares one store (the way nodes do). */
type Open = (options?: { keyPrefix?: string }) => Promise<CountersAdapter>;

interface Backend {
  name: string;
  /** True when separate adapters share the store (PostgreSQL, Redis), so several nodes can. */
  shared: boolean;
  setup(): Promise<{ open: Open; teardown(): Promise<void> }>;
}

const freshKey = (label: string) => `test:${label}:${randomBytes(6).toString('hex')}`;

/** Waits until the key's window has ended, no longer than `limitMs`. */
async function waitForEnd(counters: Counters, key: string, limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const { count, resetInMs } = await counters.peek(key);
    if (count === 0) return;
    assert.ok(Date.now() < deadline, `window of ${key} still open after ${limitMs} ms`);
    await sleep(Math.min(Math.max(resetInMs, 5), 50));
  }
}

function describeCounters(backend: Backend) {
  describe(`Counters contract: ${backend.name}`, () => {
    // Written once by before(): the store of this run. Tests only open adapters on it.
    const run: { open?: Open; teardown?: () => Promise<void> } = {};
    before(async () => Object.assign(run, await backend.setup()));
    after(async () => run.teardown?.());

    /** Runs `fn` with adapters (one per node) on the run's store, and closes them. */
    async function withCounters(fn: (...counters: Counters[]) => Promise<void>, { nodes = 1, keyPrefix }: { nodes?: number; keyPrefix?: string } = {}) {
      assert.ok(run.open, 'backend set up');
      const adapters = await Promise.all(Array.from({ length: nodes }, () => run.open!({ keyPrefix })));
      try {
        await fn(...adapters.map((a) => a.counters));
      } finally {
        await Promise.all(adapters.map((a) => a.close()));
      }
    }

    it('counts the hits of a key, each key on its own', () =>
      withCounters(async (counters) => {
        const [a, b] = [freshKey('a'), freshKey('b')];
        const counts = [];
        for (let i = 0; i < 3; i++) counts.push(await counters.hit(a, 60_000));
        assert.deepEqual(
          counts.map((c) => c.count),
          [1, 2, 3],
        );
        for (const { resetInMs } of counts) assert.ok(resetInMs > 59_000 && resetInMs <= 60_000, `resetInMs ${resetInMs}`);
        assert.equal((await counters.hit(b, 60_000)).count, 1);
      }));

    it('a window starts at the first hit and ends windowMs later', () =>
      withCounters(async (counters) => {
        const key = freshKey('expiry');
        await counters.hit(key, 300);
        const second = await counters.hit(key, 300);
        assert.equal(second.count, 2);
        assert.ok(second.resetInMs > 0 && second.resetInMs <= 300, `resetInMs ${second.resetInMs}`);
        await waitForEnd(counters, key, 1_500);
        assert.deepEqual(await counters.peek(key), { count: 0, resetInMs: 0 });
        const fresh = await counters.hit(key, 300);
        assert.equal(fresh.count, 1);
        assert.ok(fresh.resetInMs > 200, `a new window began: ${fresh.resetInMs}`);
      }));

    it('a later hit with another window keeps the window of the first hit', () =>
      withCounters(async (counters) => {
        const key = freshKey('first-window');
        await counters.hit(key, 400);
        const later = await counters.hit(key, 60_000);
        assert.equal(later.count, 2);
        assert.ok(later.resetInMs <= 400, `resetInMs ${later.resetInMs}`);
      }));

    it('keeps windows longer than 24.8 days (the lockout counts over 30)', () =>
      withCounters(async (counters) => {
        const key = freshKey('month');
        await counters.hit(key, 30 * DAY_MS);
        await sleep(10);
        const second = await counters.hit(key, 30 * DAY_MS);
        assert.equal(second.count, 2);
        assert.ok(second.resetInMs > 29 * DAY_MS, `resetInMs ${second.resetInMs}`);
      }));

    it('peek reads a key without counting', () =>
      withCounters(async (counters) => {
        const key = freshKey('peek');
        assert.deepEqual(await counters.peek(key), { count: 0, resetInMs: 0 });
        await counters.hit(key, 60_000);
        await counters.peek(key);
        const peeked = await counters.peek(key);
        assert.equal(peeked.count, 1);
        assert.ok(peeked.resetInMs > 0 && peeked.resetInMs <= 60_000);
        assert.equal((await counters.hit(key, 60_000)).count, 2);
      }));

    it('reset forgets a key, and a new window begins at the next hit', () =>
      withCounters(async (counters) => {
        const key = freshKey('reset');
        await counters.hit(key, 60_000);
        await counters.hit(key, 60_000);
        await counters.reset(key);
        assert.deepEqual(await counters.peek(key), { count: 0, resetInMs: 0 });
        assert.equal((await counters.hit(key, 60_000)).count, 1);
        await counters.reset(freshKey('never-hit'));
      }));

    it('200 concurrent hits count exactly 200, each caller seeing its own count', () =>
      withCounters(async (counters) => {
        const key = freshKey('race');
        const results = await Promise.all(Array.from({ length: 200 }, () => counters.hit(key, 60_000)));
        assert.deepEqual(
          results.map((r) => r.count).sort((x, y) => x - y),
          Array.from({ length: 200 }, (_, i) => i + 1),
        );
        assert.equal((await counters.peek(key)).count, 200);
      }));

    it('takes long and non-ASCII keys (a 254-character address)', () =>
      withCounters(async (counters) => {
        const key = `lockout:failures:${randomBytes(8).toString('hex')}:${'ü'.repeat(240)}@exämple.org`;
        await counters.hit(key, 60_000);
        assert.equal((await counters.hit(key, 60_000)).count, 2);
      }));

    it('rounds a fractional window (a lock grown by 1.15x) up to whole milliseconds', () =>
      withCounters(async (counters) => {
        const key = freshKey('fraction');
        await counters.hit(key, 60_000 * 1.15 ** 3); // 91252.49999999999
        const { count, resetInMs } = await counters.hit(key, 60_000 * 1.15 ** 3);
        assert.equal(count, 2);
        assert.ok(resetInMs > 90_000 && resetInMs <= 91_253, `resetInMs ${resetInMs}`);
      }));

    it('refuses a window that is not a positive number', () =>
      withCounters(async (counters) => {
        await assert.rejects(counters.hit(freshKey('bad'), 0), RangeError);
        await assert.rejects(counters.hit(freshKey('bad'), Number.POSITIVE_INFINITY), RangeError);
      }));

    it('two adapter instances on one store share one budget', { skip: !backend.shared && 'one node only' }, () =>
      withCounters(
        async (nodeA, nodeB) => {
          const key = freshKey('shared');
          const results = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? nodeA : nodeB).hit(key, 60_000)));
          assert.deepEqual(
            results.map((r) => r.count).sort((x, y) => x - y),
            Array.from({ length: 200 }, (_, i) => i + 1),
          );
          assert.equal((await nodeB.peek(key)).count, 200);
          await nodeA.reset(key);
          assert.equal((await nodeB.peek(key)).count, 0);
        },
        { nodes: 2 },
      ),
    );

    it('key prefixes keep two deployments on one store apart', { skip: !backend.shared && 'one node only' }, async () => {
      const key = freshKey('tenantless');
      await withCounters(
        async (first) => {
          await first.hit(key, 60_000);
          await first.hit(key, 60_000);
        },
        { keyPrefix: `${backend.name}-one` },
      );
      await withCounters(
        async (second) => {
          assert.equal((await second.peek(key)).count, 0);
          assert.equal((await second.hit(key, 60_000)).count, 1);
        },
        { keyPrefix: `${backend.name}-two` },
      );
    });
  });
}

describeCounters({
  name: 'memory',
  shared: false,
  async setup() {
    return { open: async () => createMemoryCounters(), teardown: async () => {} };
  },
});

if (hasPostgres) {
  describeCounters({
    name: 'postgres',
    shared: true,
    async setup() {
      const database = await freshDatabase('postgres');
      return { open: (options) => createPostgresCounters({ pool: database.url, ...options }), teardown: database.drop };
    },
  });
}

if (redisUrl) {
  describeCounters({
    name: 'redis',
    shared: true,
    async setup() {
      // A random prefix per run, so parallel runs on one Redis never meet; removed afterwards.
      const prefix = `latchkey-test-${randomBytes(6).toString('hex')}`;
      return {
        open: (options) => createRedisCounters({ redis: redisUrl, keyPrefix: options?.keyPrefix ? `${prefix}-${options.keyPrefix}` : prefix }),
        async teardown() {
          const admin = new Redis(redisUrl);
          const keys = await admin.keys(`${prefix}*`);
          if (keys.length > 0) await admin.del(...keys);
          await admin.quit();
        },
      };
    },
  });
}

describe('createCounters', () => {
  it('keeps the counters in memory for SQLite (one node)', async () => {
    const { kind, counters, close } = await createCounters({ databaseUrl: 'sqlite:./data/unused.db' });
    assert.equal(kind, 'memory');
    assert.equal((await counters.hit('k', 1_000)).count, 1);
    await close();
  });

  it('uses PostgreSQL when the database is PostgreSQL', { skip: !hasPostgres && 'no PostgreSQL' }, async () => {
    const database = await freshDatabase('postgres');
    const { kind, counters, close } = await createCounters({ databaseUrl: database.url });
    assert.equal(kind, 'postgres');
    assert.equal((await counters.hit('k', 1_000)).count, 1);
    await close();
    await database.drop();
  });

  it('prefers Redis when a Redis URL is given', { skip: !redisUrl && 'no Redis' }, async () => {
    const keyPrefix = `latchkey-test-${randomBytes(6).toString('hex')}`;
    const { kind, counters, close } = await createCounters({ databaseUrl: 'sqlite:./data/unused.db', redisUrl, keyPrefix });
    assert.equal(kind, 'redis');
    assert.equal((await counters.hit('k', 1_000)).count, 1);
    await counters.reset('k');
    await close();
  });

  it('fails at start when Redis cannot be reached', async () => {
    await assert.rejects(createCounters({ databaseUrl: 'sqlite:./data/unused.db', redisUrl: 'redis://127.0.0.1:1', onError: () => {} }));
  });
});

describe('memory counters with a fake clock', () => {
  it('end a window when the clock passes it, without sleeping', async () => {
    const clock = { at: 1_000_000 };
    const { counters, close } = createMemoryCounters({ now: () => clock.at });
    assert.deepEqual(await counters.hit('k', 5_000), { count: 1, resetInMs: 5_000 });
    clock.at += 4_999;
    assert.deepEqual(await counters.hit('k', 5_000), { count: 2, resetInMs: 1 });
    clock.at += 1;
    assert.deepEqual(await counters.peek('k'), { count: 0, resetInMs: 0 });
    assert.deepEqual(await counters.hit('k', 5_000), { count: 1, resetInMs: 5_000 });
    await close();
  });
});
