/** A closed-loop load generator: `concurrency` workers repeat one operation, bounded in count and time. */

export interface LoopOptions {
  concurrency: number;
  durationMs: number;
  /** Hard cap on operations started, whatever the duration. */
  maxCount: number;
  /** One operation; throws on failure. `worker` is 0…concurrency-1. */
  op: (worker: number) => Promise<void>;
}

export interface LoopResult {
  ok: number;
  failed: number;
  /** Wall time from the first start to the last completion. */
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  firstError?: string;
}

/** Stop early when nothing works, so a broken build fails in seconds, not after the full duration. */
const GIVE_UP_AFTER_FAILURES = 20;

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export async function runLoop(options: LoopOptions): Promise<LoopResult> {
  const latencies: number[] = [];
  let started = 0;
  let ok = 0;
  let failed = 0;
  let firstError: string | undefined;
  const begin = performance.now();
  const deadline = begin + options.durationMs;

  async function worker(index: number): Promise<void> {
    while (performance.now() < deadline && started < options.maxCount) {
      if (ok === 0 && failed >= GIVE_UP_AFTER_FAILURES) return;
      started++;
      const t0 = performance.now();
      try {
        await options.op(index);
        ok++;
        latencies.push(performance.now() - t0);
      } catch (error) {
        failed++;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  }

  await Promise.all(Array.from({ length: options.concurrency }, (_, i) => worker(i)));
  const seconds = (performance.now() - begin) / 1000;
  latencies.sort((a, b) => a - b);
  return { ok, failed, seconds, perSecond: ok / seconds, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), firstError };
}
