import pg from 'pg';
import { RateLimiterPostgres } from 'rate-limiter-flexible';
import type { Counters } from '../core/ports.ts';
import { type CountersAdapter, checkedWindowMs, DEFAULT_KEY_PREFIX, toWindowCount, UNUSED_POINTS } from './counters-adapter.ts';

export interface PostgresCountersOptions {
  /** A pool to share (left open on close), or a connection string to open a small pool of our own. */
  pool: pg.Pool | string;
  /** Namespace inside the table, so two deployments on one database keep separate budgets. */
  keyPrefix?: string;
  /** Errors of idle pooled connections (a restarted server); queries in flight reject on their own. */
  onError?: (error: Error) => void;
  /** How often rows whose window ended are deleted (they are ignored as soon as it ends). */
  sweepEveryMs?: number;
}

export const COUNTERS_TABLE = 'latchkey_counters';

/**
 * The library's table, except `key text`: its `varchar(255)` is too short for
 * `lockout:failures:<tenant>:<email>` with a 254-character address. The column order (key, points,
 * expire) is what its INSERT expects. `expire` (ms since the epoch) stays a bigint, which needs
 * `Date.now() + seconds * 1000` to come out whole: windows are whole milliseconds (checkedWindowMs),
 * and the float error of `ms / 1000 * 1000` (1e-13) rounds away at epoch magnitude.
 */
const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "${COUNTERS_TABLE}" (
  key text PRIMARY KEY,
  points integer NOT NULL DEFAULT 0,
  expire bigint
)`;

/**
 * Counters shared through PostgreSQL by every node on the database.
 *
 * RateLimiterPostgres counts with one `INSERT … ON CONFLICT DO UPDATE … RETURNING`, which the row
 * lock makes atomic across nodes, and it takes the window per call (`customDuration`, in seconds,
 * at millisecond precision): a key's window starts at its first hit, as the port asks. Expiry is
 * computed from each node's own clock, so nodes must keep their clocks in sync (NTP).
 * The table is created here once, before the first hit, so requests never race its creation.
 */
export async function createPostgresCounters(options: PostgresCountersOptions): Promise<CountersAdapter> {
  const ownPool = typeof options.pool === 'string';
  const pool = typeof options.pool === 'string' ? new pg.Pool({ connectionString: options.pool, max: 5 }) : options.pool;
  // Why: an idle client's error is emitted on the pool, and an unhandled 'error' ends the process.
  const onError = options.onError ?? (() => {});
  if (ownPool) pool.on('error', onError);

  try {
    await pool.query(CREATE_TABLE);
  } catch (error) {
    // Concurrent CREATE TABLE IF NOT EXISTS from two starting nodes can still collide on the
    // catalogue's unique index; the other node created the table, which is all we need.
    if ((error as { code?: string }).code !== '23505') {
      if (ownPool) await pool.end();
      throw error;
    }
  }

  const limiter = new RateLimiterPostgres({
    storeClient: pool,
    storeType: 'pool',
    tableName: COUNTERS_TABLE,
    tableCreated: true,
    // Our own sweep below, which close() can stop; the library's timer outlives the pool.
    clearExpiredByTimeout: false,
    keyPrefix: options.keyPrefix ?? DEFAULT_KEY_PREFIX,
    points: UNUSED_POINTS,
    duration: 60,
  });

  const sweep = setInterval(
    () => {
      pool.query(`DELETE FROM "${COUNTERS_TABLE}" WHERE expire < $1`, [Date.now()]).catch(onError);
    },
    options.sweepEveryMs ?? 5 * 60_000,
  );
  sweep.unref();

  const counters: Counters = {
    async hit(key, windowMs) {
      const res = await limiter.penalty(key, 1, { customDuration: checkedWindowMs(windowMs) / 1000 });
      return toWindowCount(res);
    },
    async peek(key) {
      return toWindowCount(await limiter.get(key));
    },
    async reset(key) {
      await limiter.delete(key);
    },
  };

  return {
    counters,
    async close() {
      clearInterval(sweep);
      if (ownPool) await pool.end();
    },
  };
}
