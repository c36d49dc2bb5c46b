import { join } from 'node:path';
import { agentFor, sourceAddress } from './http-client.ts';
import { measureGet } from './http-load.ts';
import { type LoopResult, percentile, runLoop } from './load-loop.ts';
import { metered, type PhaseCost } from './meter.ts';
import { refresh, requestPasswordReset, signInAndExchange, type Target } from './oidc-journeys.ts';
import { log, mb, ms, pct, rate } from './report.ts';
import type { ServerHandle } from './server-handle.ts';
import type { SmtpSink } from './smtp-sink.ts';

export interface PhaseOptions {
  server: ServerHandle;
  target: Target;
  /** Folder for per-phase CPU profiles of the server, if profiling. */
  profileDir?: string;
}

/** Prints where the CPU went during a phase; `unit` names one operation. */
export function logCost(cost: PhaseCost, unit: string): void {
  const digits = cost.serverCpuMsPerOp < 5 ? 2 : 1;
  if (cost.serverCores > 0) {
    log(
      `  server ${cost.serverCores.toFixed(2)} cores (event loop ${pct(cost.serverEventLoop)} busy), ${cost.serverCpuMsPerOp.toFixed(digits)} ms CPU per ${unit}`,
    );
  }
  // The bench process is the load generator, except in the Argon2 phase, where it does the work itself.
  const who = cost.serverCores > 0 ? 'load generator' : 'this process';
  log(`  ${who} ${cost.clientCores.toFixed(2)} cores, ${cost.clientCpuMsPerOp.toFixed(digits)} ms CPU per ${unit}`);
  if (cost.otherCores !== undefined) {
    const warning = cost.otherCores > 0.2 ? '  ← other processes were busy: this figure is pessimistic' : '';
    log(`  other processes on the machine: ${cost.otherCores.toFixed(2)} cores${warning}`);
  }
}

function logLoop(result: LoopResult): void {
  log(
    `  ${result.ok} ok, ${result.failed} failed${result.firstError ? ` (first error: ${result.firstError})` : ''}; latency p50 ${ms(result.p50Ms)}, p99 ${ms(result.p99Ms)}`,
  );
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
  let journeys = 0;
  const op = async (worker: number) => {
    const user = target.tenant.users[worker];
    if (!user) throw new Error(`no user for worker ${worker}`);
    // A new visitor each time: fresh cookies, a new connection, the next source address.
    const agent = agentFor(sourceAddress(journeys++));
    try {
      chains.push(await signInAndExchange(target, agent, user));
    } finally {
      agent.destroy();
    }
  };
  const warm = await runLoop({ concurrency, durationMs: 3_000, maxCount: concurrency * 2, op });
  if (warm.ok === 0) throw new Error(`sign-in does not work: ${warm.firstError}`);
  const measured = await profiled(options, 'sign-in', () => metered(server, () => runLoop({ concurrency, durationMs: seconds * 1000, maxCount: 10_000, op })));
  logLoop(measured.result);
  logCost(measured.cost, 'sign-in');
  log(`  peak RSS during sign-ins: ${mb(measured.cost.peakRssBytes)}`);
  return { ...measured, chains };
}

/** Source addresses the refresh phase spreads its chains over (a client keeps its address). */
const REFRESH_ADDRESSES = 256;

/**
 * Refresh-token grants with rotation over many independent chains. A queue of chains: a worker
 * takes the oldest, refreshes it with its newest token and puts the rotated token back, so no
 * chain ever has two grants in flight and every grant presents a live token.
 */
export async function refreshPhase(options: PhaseOptions, tokens: string[], concurrency: number, seconds: number) {
  const agents = Array.from({ length: REFRESH_ADDRESSES }, (_, i) => agentFor(sourceAddress(40_000 + i)));
  const queue = tokens.map((token, i) => ({ token, agent: agents[i % agents.length] as (typeof agents)[number] }));
  const op = async () => {
    const chain = queue.shift();
    if (!chain) throw new Error('no idle chain (more workers than chains)');
    chain.token = await refresh(options.target, chain.agent, chain.token);
    queue.push(chain);
  };
  const inFlight = Math.min(concurrency, Math.max(1, Math.floor(tokens.length / 2)));
  log(`  ${tokens.length} chains, ${inFlight} grants in flight`);
  try {
    await runLoop({ concurrency: inFlight, durationMs: 1_000, maxCount: 500, op });
    const measured = await profiled(options, 'refresh', () =>
      metered(options.server, () => runLoop({ concurrency: inFlight, durationMs: seconds * 1000, maxCount: 60_000, op })),
    );
    logLoop(measured.result);
    logCost(measured.cost, 'grant');
    return measured;
  } finally {
    for (const agent of agents) agent.destroy();
  }
}

/** autocannon against one GET endpoint of the tenant. */
export async function getPhase(options: PhaseOptions, name: string, path: string, seconds: number, connections: number) {
  const url = `${options.server.url}/${options.target.tenant.tenantName}${path}`;
  const measured = await profiled(options, name, () => metered(options.server, () => measureGet(url, seconds, connections)));
  const r = measured.result;
  log(`  ${name}: ${rate(r.perSecond)}, latency p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, non-2xx ${r.non2xx}, errors ${r.errors}`);
  const c = measured.cost;
  log(
    `    server ${c.serverCores.toFixed(2)} cores (event loop ${pct(c.serverEventLoop)}, ${(c.serverCpuMsPerOp * 1000).toFixed(0)} µs CPU per request), load generator ${c.clientCores.toFixed(2)} cores, others ${c.otherCores?.toFixed(2) ?? '?'} cores`,
  );
  return measured;
}

/** How long a passcode mail may take before it counts as lost. */
const MAIL_TIMEOUT_MS = 10_000;

/**
 * Password resets up to their passcode mail: each op walks a new visitor to the password page of
 * its own user, clicks "Forgot password?" and waits for the mail at the SMTP sink. The latency is
 * from just before that POST is sent to the end of the mail's DATA at the sink: request, flow,
 * outbox commit, the worker's nudge, rendering, and the SMTP dialogue. One mail per user, so no
 * per-address limit is ever reached. The first `warm` users warm the provider and the SMTP pool.
 */
export async function mailPhase(options: PhaseOptions, sink: SmtpSink, count: number, warm: number, concurrency: number) {
  const { target } = options;
  const users = target.tenant.users;
  let next = 0;
  const latencies: number[] = [];
  const op = async () => {
    const index = next++;
    const user = users[index];
    if (!user) throw new Error('no user left for a reset');
    const agent = agentFor(sourceAddress(50_000 + index));
    try {
      let sentAt = 0;
      // Each tenant of the bench has the same addresses (user0@…): forget an earlier phase's mail.
      sink.arrivals.delete(user.email.toLowerCase());
      await requestPasswordReset(target, agent, user, () => {
        sentAt = performance.now();
      });
      const arrivedAt = await sink.waitFor(user.email, MAIL_TIMEOUT_MS);
      if (arrivedAt === undefined) throw new Error(`no mail to ${user.email} within ${MAIL_TIMEOUT_MS} ms`);
      if (index >= warm) latencies.push(arrivedAt - sentAt);
    } finally {
      agent.destroy();
    }
  };
  const warmed = await runLoop({ concurrency: Math.min(concurrency, warm), durationMs: 30_000, maxCount: warm, op });
  if (warmed.ok === 0) throw new Error(`password reset mail does not work: ${warmed.firstError}`);
  const measured = await metered(options.server, () => runLoop({ concurrency, durationMs: 120_000, maxCount: count, op }));
  latencies.sort((a, b) => a - b);
  const mail = { count: latencies.length, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), maxMs: latencies.at(-1) ?? 0 };
  log(`  ${measured.result.ok} mails, ${measured.result.failed} failed${measured.result.firstError ? ` (first error: ${measured.result.firstError})` : ''}`);
  log(`  Forgot password POST → SMTP DATA end: p50 ${ms(mail.p50Ms)}, p99 ${ms(mail.p99Ms)}, max ${ms(mail.maxMs)}`);
  logCost(measured.cost, 'reset');
  return { ...measured, mail };
}

/**
 * Runs `fn` while `concurrency` browsers sign in without pause (the sign-in phase's journey, one
 * user per browser), so what `fn` measures is measured under full load. The load starts a second
 * before `fn` and stops after it.
 */
export async function underSignInLoad<T>(target: Target, concurrency: number, fn: () => Promise<T>): Promise<{ value: T; signIns: number; failed: number }> {
  let stop = false;
  let signIns = 0;
  let failed = 0;
  let journeys = 0;
  const browse = async (worker: number) => {
    const user = target.tenant.users[worker];
    if (!user) throw new Error(`no user for worker ${worker}`);
    while (!stop) {
      // Addresses apart from the other phases', so no per-IP budget is shared with them.
      const agent = agentFor(sourceAddress(20_000 + journeys++));
      try {
        await signInAndExchange(target, agent, user);
        signIns++;
      } catch {
        failed++;
      } finally {
        agent.destroy();
      }
    }
  };
  const browsers = Array.from({ length: concurrency }, (_, i) => browse(i));
  try {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const value = await fn();
    return { value, signIns, failed };
  } finally {
    stop = true;
    await Promise.all(browsers);
  }
}
