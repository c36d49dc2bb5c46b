import type { Counters, WindowCount } from '../core/ports.ts';
import { type CountersAdapter, checkedWindowMs, EMPTY_WINDOW } from './counters-adapter.ts';

export interface MemoryCountersOptions {
  /** Milliseconds since the epoch; tests pass a fake clock instead of sleeping. */
  now?: () => number;
  /** How often ended windows are dropped (they are ignored as soon as they end). */
  sweepEveryMs?: number;
}

interface Window {
  count: number;
  endsAt: number;
}

/**
 * Counters for one node, in process memory.
 *
 * Why not rate-limiter-flexible's RateLimiterMemory, as the other adapters use the library: it
 * drops each key with a setTimeout of the window's length, and Node clamps any delay above
 * 2^31-1 ms (24.8 days) to 1 ms. The lockout's 30-day failure total was therefore forgotten a
 * millisecond after each hit (seen with 11.4.0), and the NIST cap of 100 failures never tripped.
 * In one process a Map update is atomic anyway, so the library adds nothing a dozen lines cannot
 * do; lazy expiry plus one sweep also costs less than a timer per key.
 */
export function createMemoryCounters(options: MemoryCountersOptions = {}): CountersAdapter {
  const now = options.now ?? Date.now;
  const windows = new Map<string, Window>();

  /** The key's window if it has not ended; an ended one is dropped on the way. */
  function live(key: string, at: number): Window | undefined {
    const window = windows.get(key);
    if (window && window.endsAt > at) return window;
    if (window) windows.delete(key);
    return undefined;
  }

  const view = (window: Window, at: number): WindowCount => ({ count: window.count, resetInMs: window.endsAt - at });

  const sweep = setInterval(() => {
    const at = now();
    for (const [key, window] of windows) if (window.endsAt <= at) windows.delete(key);
  }, options.sweepEveryMs ?? 60_000);
  sweep.unref();

  const counters: Counters = {
    async hit(key, windowMs) {
      const ms = checkedWindowMs(windowMs);
      const at = now();
      const window = live(key, at) ?? { count: 0, endsAt: at + ms };
      window.count += 1;
      windows.set(key, window);
      return view(window, at);
    },
    async peek(key) {
      const at = now();
      const window = live(key, at);
      return window ? view(window, at) : EMPTY_WINDOW;
    },
    async reset(key) {
      windows.delete(key);
    },
  };

  return {
    counters,
    async close() {
      clearInterval(sweep);
      windows.clear();
    },
  };
}
