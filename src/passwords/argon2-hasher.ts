import { availableParallelism } from 'node:os';
import { type Algorithm, hash, verify } from '@node-rs/argon2';

// Algorithm.Argon2id; the package exports a const enum, which verbatimModuleSyntax cannot import.
const ARGON2ID = 2 as Algorithm;
import type { PasswordHasher } from '../core/ports.ts';

export interface Argon2Params {
  /** Memory in KiB. */
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/** OWASP's argon2id baseline: m=19 MiB, t=2, p=1. */
export const DEFAULT_ARGON2: Argon2Params = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

/**
 * Runs at most `limit` calls of `fn` at a time; the others wait in arrival order.
 *
 * Why: each Argon2 call holds a libuv threadpool thread and ~19 MiB for tens of milliseconds.
 * Without a cap, a burst of sign-ins fills all four threads on a two-core machine: the calls
 * slow each other down, the event loop (which serves every other request) gets a smaller share
 * of the cores, and the pool has no thread left for file and DNS work. Each call still costs
 * exactly one full verification; only the order of waiting changes.
 */
function limited<A extends unknown[], R>(limit: number, fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  let running = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };
  return async (...args) => {
    if (running < limit) running++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await fn(...args);
    } finally {
      release();
    }
  };
}

/**
 * Argon2id through @node-rs/argon2 (native, off the event loop); output is a PHC string. At most
 * `concurrency` hashes and verifications run at once (default: one per core).
 */
export function createArgon2Hasher(params: Argon2Params = DEFAULT_ARGON2, concurrency = availableParallelism()): PasswordHasher {
  const options = { algorithm: ARGON2ID, ...params };
  const current = `m=${params.memoryCost},t=${params.timeCost},p=${params.parallelism}`;
  const run = limited(Math.max(1, concurrency), <T>(task: () => Promise<T>) => task());
  return {
    hash: (password) => run(() => hash(password, options)),
    async verify(stored, password) {
      try {
        return await run(() => verify(stored, password));
      } catch {
        return false;
      }
    },
    needsRehash(stored) {
      const [, algorithm, , parameters] = stored.split('$');
      return algorithm !== 'argon2id' || parameters !== current;
    },
  };
}
