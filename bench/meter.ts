import { readFileSync } from 'node:fs';
import type { ServerHandle } from './server-handle.ts';
import type { ServerStats } from './server-protocol.ts';

/** What one benchmark phase cost the server and the load generator. */
export interface PhaseCost {
  /** Average cores the server process used (all its threads). */
  serverCores: number;
  /** Share of wall time the server's event loop was busy (0…1). */
  serverEventLoop: number;
  /** Average cores the bench process (the load generator) used. */
  clientCores: number;
  peakRssBytes: number;
  /** Server CPU milliseconds per successful operation. */
  serverCpuMsPerOp: number;
  clientCpuMsPerOp: number;
  /**
   * Average cores used by every other process on the machine (colleagues' test runs, …), from
   * /proc/stat; undefined off Linux. Above ~0.2 the phase's figures are pessimistic.
   */
  otherCores: number | undefined;
}

/** Linux's USER_HZ: /proc/stat counts in 1/100 s on every mainstream architecture. */
const CLOCK_TICKS_PER_SECOND = 100;

/** CPU seconds all processes have spent busy since boot (user, nice, system, irq, softirq, steal). */
function machineBusySeconds(): number | undefined {
  try {
    const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/**
 * Waits (at most `maxWaitMs`) until other processes use less than `quietCores` over one second,
 * so a colleague's test run does not halve the figures. Returns the last load seen (cores).
 */
export async function waitForQuietMachine(quietCores: number, maxWaitMs: number): Promise<number | undefined> {
  const deadline = performance.now() + maxWaitMs;
  for (;;) {
    const before = machineBusySeconds();
    const own = process.cpuUsage();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const after = machineBusySeconds();
    if (before === undefined || after === undefined) return undefined;
    const ownUsage = process.cpuUsage(own);
    const others = Math.max(0, after - before - (ownUsage.user + ownUsage.system) / 1e6);
    if (others < quietCores || performance.now() > deadline) return others;
  }
}

/**
 * Runs `phase` while sampling the server's RSS (if there is a server) every `sampleMs` over IPC, and returns the CPU both
 * processes spent. The IPC sample itself is a few microseconds of server work, negligible here.
 */
export async function metered<T extends { ok: number }>(
  server: ServerHandle | undefined,
  phase: () => Promise<T>,
  sampleMs = 100,
): Promise<{ result: T; cost: PhaseCost }> {
  const noServer: ServerStats = { rss: 0, cpuMicros: 0, eluActive: 0, eluIdle: 0 };
  const sample = () => (server ? server.stats() : Promise.resolve(noServer));
  const before = await sample();
  const clientBefore = process.cpuUsage();
  const machineBefore = machineBusySeconds();
  const wallBefore = performance.now();
  let peakRssBytes = before.rss;
  let sampling: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    sampling = sample().then(
      (s) => {
        peakRssBytes = Math.max(peakRssBytes, s.rss);
      },
      () => {},
    );
  }, sampleMs);
  let result: T;
  try {
    result = await phase();
  } finally {
    clearInterval(timer);
  }
  await sampling;
  const wallMs = performance.now() - wallBefore;
  const clientCpu = process.cpuUsage(clientBefore);
  const machineAfter = machineBusySeconds();
  const after = await sample();
  peakRssBytes = Math.max(peakRssBytes, after.rss);
  const serverCpuMs = (after.cpuMicros - before.cpuMicros) / 1000;
  const clientCpuMs = (clientCpu.user + clientCpu.system) / 1000;
  const active = after.eluActive - before.eluActive;
  const idle = after.eluIdle - before.eluIdle;
  const ops = Math.max(1, result.ok);
  return {
    result,
    cost: {
      serverCores: serverCpuMs / wallMs,
      serverEventLoop: active / Math.max(1e-9, active + idle),
      clientCores: clientCpuMs / wallMs,
      peakRssBytes,
      serverCpuMsPerOp: serverCpuMs / ops,
      clientCpuMsPerOp: clientCpuMs / ops,
      otherCores:
        machineBefore === undefined || machineAfter === undefined
          ? undefined
          : Math.max(0, ((machineAfter - machineBefore) * 1000 - serverCpuMs - clientCpuMs) / wallMs),
    },
  };
}
