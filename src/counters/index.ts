import type { Counters } from '../core/ports.ts';
import { createMemoryCounters } from './memory.ts';
import { createPostgresCounters } from './postgres.ts';
import { createRedisCounters } from './redis.ts';

export type CountersKind = 'memory' | 'postgres' | 'redis';

export interface CreateCountersOptions {
  /** The database URL (`sqlite:…` or `postgres://…`), which decides the default store. */
  databaseUrl: string;
  /** Redis shared by all nodes; when set it holds the counters whatever the database. */
  redisUrl?: string;
  /** Namespace of the keys in a shared Redis or PostgreSQL (default `latchkey`). */
  keyPrefix?: string;
  /** Connection errors of the shared store (for the log); requests that hit them fail on their own. */
  onError?: (error: Error) => void;
}

/**
 * Picks where the counters live: Redis when a Redis URL is given; else PostgreSQL, which every
 * node of a multi-node deployment already shares; else memory, since a SQLite deployment is one
 * node. Resolves once the store is reachable (and its table exists), so a bad URL fails at start.
 */
export async function createCounters(options: CreateCountersOptions): Promise<{ kind: CountersKind; counters: Counters; close(): Promise<void> }> {
  const { keyPrefix, onError } = options;
  if (options.redisUrl) return { kind: 'redis', ...(await createRedisCounters({ redis: options.redisUrl, keyPrefix, onError })) };
  if (/^postgres(ql)?:\/\//.test(options.databaseUrl)) {
    return { kind: 'postgres', ...(await createPostgresCounters({ pool: options.databaseUrl, keyPrefix, onError })) };
  }
  return { kind: 'memory', ...createMemoryCounters() };
}
