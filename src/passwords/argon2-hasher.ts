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

/** Argon2id through @node-rs/argon2 (native, off the event loop); output is a PHC string. */
export function createArgon2Hasher(params: Argon2Params = DEFAULT_ARGON2): PasswordHasher {
  const options = { algorithm: ARGON2ID, ...params };
  const current = `m=${params.memoryCost},t=${params.timeCost},p=${params.parallelism}`;
  return {
    hash: (password) => hash(password, options),
    async verify(stored, password) {
      try {
        return await verify(stored, password);
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
