import { join } from 'node:path';
import { measureGet } from './http-load.ts';
import { type LoopResult, runLoop } from './load-loop.ts';
import { type PhaseCost, metered } from './meter.ts';
import { type Target, refresh, signInAndExchange } from './oidc-journeys.ts';
import { log, mb, ms, pct, rate } from './report.ts';
import type { ServerHandle } from './server-handle.ts';

export interface PhaseOptions {
  server: ServerHandle;
  target: Target;
  /** Folder for per-phase CPU profiles of the server, if profiling. */
  profileDir?: string;
}

/** Prints where the CPU went during a phase; `unit` names one operation. */
export function logCost(cost: PhaseCost, unit: string): void {
  const digits = cost.serverCpuMsPerOp < 5 ? 2 : 1;
  log(
    `  server ${cost.serverCores.toFixed(2)} cores (event loop ${pct(cost.serverEventLoop)} busy), ${cost.serverCpuMsPerOp.toFixed(digits)} ms CPU per ${unit}`,
  );
  log(`  load generator ${cost.clientCores.toFixed(2)} cores, ${cost.clientCpuMsPerOp.toFixed(digits)} ms CPU per ${unit}`);
  if (cost.otherCores !== undefined) {
    const warning = cost.otherCores > 0.2 ? '  ← other processes were busy: this figure is pessimistic' : '';
    log(`  other processes on the machine: ${cost.otherCores.toFixed(2)} cores${warning}`);
  }
}

function logLoop(result: LoopResult): void {
  log(`  ${result.ok} ok, ${result.failed} failed${result.firstError ? ` (first error: ${result.firstError})` : ''}; latency p50 ${ms(result.p50Ms)}, p99 ${ms(result.p99Ms)}`);
}

/** Runs `fn` with the server's CPU profiler on when a profile folder was given. */
async function profiled<T>(options: PhaseOptions, name: string, fn: () => Promise<T>): Promise<T> {
  if (!options.profileDir) return fn();
  await options.server.profileStart();
  try {
    return await fn();
  } finally {
    const file = join(options.profileDir, `${name}.cpuprofile`);
    await options.server.profileStop(file);
    log(`  CPU profile: ${file}`);
  }
}

/**
 * Full password sign-ins, one user per browser, after a short warm-up that builds the tenant's
 * provider and warms the JIT. Returns the refresh token of every sign-in: each starts a chain.
 */
export async function signInPhase(options: PhaseOptions, concurrency: number, seconds: number) {
  const { server, target } = options;
  const chains: string[] = [];
  const op = async (worker: number) => {
    const user = target.tenant.users[worker];
    if (!user) throw new Error(`no user for worker ${worker}`);
    chains.push(await signInAndExchange(target, user));
  };
  const warm = await runLoop({ concurrency, durationMs: 3_000, maxCount: concurrency * 2, op });
  if (warm.ok === 0) throw new Error(`sign-in does not work: ${warm.firstError}`);
  const measured = await profiled(options, 'sign-in', () => metered(server, () => runLoop({ concurrency, durationMs: seconds * 1000, maxCount: 10_000, op })));
  logLoop(measured.result);
  logCost(measured.cost, 'sign-in');
  log(`  peak RSS during sign-ins: ${mb(measured.cost.peakRssBytes)}`);
  return { ...measured, chains };
}

/**
 * Refresh-token grants with rotation over many independent chains. A queue of chains: a worker
 * takes the oldest, refreshes it with its newest token and puts the rotated token back, so no
 * chain ever has two grants in flight and every grant presents a live token.
 */
export async function refreshPhase(options: PhaseOptions, chains: string[], concurrency: number, seconds: number) {
  const queue = [...chains];
  const op = async () => {
    const token = queue.shift();
    if (!token) throw new Error('no idle chain (more workers than chains)');
    queue.push(await refresh(options.target, token));
  };
  const inFlight = Math.min(concurrency, Math.max(1, Math.floor(chains.length / 2)));
  log(`  ${chains.length} chains, ${inFlight} grants in flight`);
  await runLoop({ concurrency: inFlight, durationMs: 1_000, maxCount: 500, op });
  const measured = await profiled(options, 'refresh', () =>
    metered(options.server, () => runLoop({ concurrency: inFlight, durationMs: seconds * 1000, maxCount: 60_000, op })),
  );
  logLoop(measured.result);
  logCost(measured.cost, 'grant');
  return measured;
}

/** autocannon against one GET endpoint of the tenant. */
export async function getPhase(options: PhaseOptions, name: string, path: string, seconds: number, connections: number) {
  const url = `${options.server.url}/${options.target.tenant.tenantName}${path}`;
  const measured = await profiled(options, name, () =>
    metered(options.server, () => measureGet(url, seconds, connections)),
  );
  const r = measured.result;
  log(`  ${name}: ${rate(r.perSecond)}, latency p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, non-2xx ${r.non2xx}, errors ${r.errors}`);
  const c = measured.cost;
  log(`    server ${c.serverCores.toFixed(2)} cores (event loop ${pct(c.serverEventLoop)}, ${(c.serverCpuMsPerOp * 1000).toFixed(0)} µs CPU per request), load generator ${c.clientCores.toFixed(2)} cores, others ${c.otherCores?.toFixed(2) ?? '?'} cores`);
  return measured;
}
