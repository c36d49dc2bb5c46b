import type { RateLimiterRes } from 'rate-limiter-flexible';
import type { Counters, WindowCount } from '../core/ports.ts';

/** A Counters implementation plus the resources it holds (timers, pools, connections). */
export interface CountersAdapter {
  counters: Counters;
  /** Releases what the adapter opened itself; a pool or client handed in stays open. */
  close(): Promise<void>;
}

/**
 * Namespace of every key in a shared store. Two deployments on one Redis or one PostgreSQL
 * database must each set their own, or they share one budget per IP and per address.
 */
export const DEFAULT_KEY_PREFIX = 'latchkey';

/**
 * Rate-limiter-flexible's penalty() never refuses, so `points` (the library's own budget) plays
 * no part in our answers; it only has to be a finite number larger than any count we reach.
 */
export const UNUSED_POINTS = Number.MAX_SAFE_INTEGER;

export const EMPTY_WINDOW: WindowCount = Object.freeze({ count: 0, resetInMs: 0 });

/**
 * Windows are whole milliseconds. Callers compute some (a lock that grows by a factor), so a
 * fractional result is rounded up rather than rejected; zero, negative or infinite ones are bugs.
 */
export function checkedWindowMs(windowMs: number): number {
  if (!Number.isFinite(windowMs) || windowMs <= 0) throw new RangeError(`windowMs must be a positive finite number, got ${windowMs}`);
  return Math.ceil(windowMs);
}

/**
 * Turns the library's answer into ours. A record with no time left (the store has not yet
 * removed it) or without expiry (written by something else) counts as no record at all.
 */
export function toWindowCount(res: RateLimiterRes | null): WindowCount {
  if (!res || res.consumedPoints <= 0 || res.msBeforeNext <= 0) return EMPTY_WINDOW;
  return { count: res.consumedPoints, resetInMs: Math.ceil(res.msBeforeNext) };
}
