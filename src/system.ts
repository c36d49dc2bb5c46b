import { randomBytes, randomInt } from 'node:crypto';
import type { Clock, Random } from './core/ports.ts';

/** The real clock and CSPRNG, injected into the core (tests pass their own). */
export const systemClock: Clock = { now: () => Date.now() };

export const cryptoRandom: Random = {
  id: () => randomBytes(16).toString('base64url'),
  token: (bytes) => randomBytes(bytes).toString('base64url'),
  digits: (length) => Array.from({ length }, () => randomInt(10)).join(''),
};
