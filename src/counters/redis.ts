import { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { Counters } from '../core/ports.ts';
import { type CountersAdapter, checkedWindowMs, DEFAULT_KEY_PREFIX, toWindowCount, UNUSED_POINTS } from './counters-adapter.ts';

export interface RedisCountersOptions {
  /**
   * `redis://…` to open a connection of our own, or a client to share (left open on close). A
   * shared client's `rlflxIncr` command becomes our script, so give other rate limiters their own.
   */
  redis: string | Redis;
  /** Prefix of every Redis key (`<prefix>:<key>`), so two deployments on one Redis stay apart. */
  keyPrefix?: string;
  /** Connection errors; ioredis reconnects by itself and commands in flight reject on their own. */
  onError?: (error: Error) => void;
}

/**
 * The library's script with one change: the expiry comes from ARGV[4] (the limiter's `duration`,
 * in seconds, possibly fractional) in milliseconds with PX, instead of ARGV[2] in whole seconds.
 * Still one atomic script: start the window if the key is new, add, read the time left.
 */
const INCR_PTTL_SCRIPT = `
local ms = math.floor(tonumber(ARGV[4]) * 1000 + 0.5)
redis.call('set', KEYS[1], 0, 'PX', ms, 'NX')
local consumed = redis.call('incrby', KEYS[1], ARGV[1])
local ttl = redis.call('pttl', KEYS[1])
if ttl == -1 then
  redis.call('pexpire', KEYS[1], ms)
  ttl = ms
end
return {consumed, ttl}
`;

/** Distinct windows in use are few (the rate limits plus the lock lengths); this only bounds a bug. */
const MAX_CACHED_LIMITERS = 256;

/**
 * Counters shared through Redis by every node that uses it.
 *
 * Why one RateLimiterRedis per window length rather than `customDuration` on one limiter: the
 * library floors the window to whole seconds (`Math.floor(ms / 1000)`), and below one second it
 * skips its script and runs INCRBY without any expiry, so a 300 ms window never ended (seen in
 * 11.4.0). Each cached limiter carries its window as its own `duration`, which reaches our script
 * as ARGV[4]; `customDuration` of at least one second only keeps the library on the script path.
 */
export async function createRedisCounters(options: RedisCountersOptions): Promise<CountersAdapter> {
  const ownClient = typeof options.redis === 'string';
  const client =
    typeof options.redis === 'string'
      ? // While Redis is down a request gives up after two reconnect attempts rather than
        // ioredis's default twenty, so a sign-in fails in well under a second instead of hanging.
        new Redis(options.redis, { lazyConnect: true, maxRetriesPerRequest: 2 })
      : options.redis;
  if (ownClient) {
    if (options.onError) client.on('error', options.onError);
    try {
      await client.connect();
    } catch (error) {
      client.disconnect();
      throw error;
    }
  }

  const keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  const limiterFor = (seconds: number) =>
    new RateLimiterRedis({ storeClient: client, keyPrefix, points: UNUSED_POINTS, duration: seconds, customIncrTtlLuaScript: INCR_PTTL_SCRIPT });
  const byWindow = new Map<number, RateLimiterRedis>();
  // get() and delete() do not depend on the window, so any limiter of the prefix serves them.
  const reader = limiterFor(1);

  function windowLimiter(ms: number): RateLimiterRedis {
    let limiter = byWindow.get(ms);
    if (!limiter) {
      if (byWindow.size >= MAX_CACHED_LIMITERS) byWindow.clear();
      limiter = limiterFor(ms / 1000);
      byWindow.set(ms, limiter);
    }
    return limiter;
  }

  const counters: Counters = {
    async hit(key, windowMs) {
      const ms = checkedWindowMs(windowMs);
      const res = await windowLimiter(ms).penalty(key, 1, { customDuration: Math.max(1, Math.ceil(ms / 1000)) });
      return toWindowCount(res);
    },
    async peek(key) {
      return toWindowCount(await reader.get(key));
    },
    async reset(key) {
      await reader.delete(key);
    },
  };

  return {
    counters,
    async close() {
      if (ownClient) await client.quit();
    },
  };
}
