import fc from 'fast-check';
import { judge, type Probe, violationClass } from './oracle.ts';
import { type createWire, describeRequest } from './wire.ts';

/**
 * Runs one surface as a fast-check property. Each run sends a batch of concurrent requests (so
 * the server sees realistic parallelism and the file keeps its time budget) and judges every
 * answer. The first violation fails the property and fast-check shrinks the batch; shrinking
 * stops paying for requests after a budget, since the server's state moves on meanwhile.
 */

export interface SurfaceReport {
  requests: number;
  /** Generated requests node:http refused to send (none expected; counted to notice generator drift). */
  refused: number;
  ms: number;
  /** Answers per status code. */
  statuses: Map<number, number>;
  /** Violations by class, with the smallest request that showed each. */
  violations: Map<string, { count: number; example: string; size: number }>;
  /** fast-check's verdict, when a property failed (seed, path, shrunk counterexample). */
  failure?: string;
}

export interface SurfaceOptions {
  wire: ReturnType<typeof createWire>;
  batches: number;
  concurrency: number;
  seed: number;
  /** Keep going after a violation and report every class at the end (LATCHKEY_FUZZ_COLLECT=1). */
  collect: boolean;
  /** Requests sent while shrinking a failure, at most. */
  shrinkRequests?: number;
}

const sizeOf = (probe: Probe) =>
  (probe.request.raw?.length ?? 0) + (probe.request.body?.length ?? 0) + probe.request.path.length + JSON.stringify(probe.request.headers).length;

export async function runSurface(arbitrary: fc.Arbitrary<Probe>, options: SurfaceOptions): Promise<SurfaceReport> {
  const report: SurfaceReport = { requests: 0, refused: 0, ms: 0, statuses: new Map(), violations: new Map() };
  const started = performance.now();
  let failing = false;
  let shrinkBudget = options.shrinkRequests ?? 40 * options.concurrency;
  const batch = fc.array(arbitrary, { minLength: options.concurrency, maxLength: options.concurrency });
  const details = await fc.check(
    fc.asyncProperty(batch, async (probes) => {
      if (failing) {
        if (shrinkBudget <= 0) return true;
        shrinkBudget -= probes.length;
      }
      const outcomes = await Promise.all(probes.map((probe) => options.wire.send(probe.request)));
      let first: string | undefined;
      probes.forEach((probe, i) => {
        const outcome = outcomes[i];
        if (!outcome) return;
        if (!outcome.ok && outcome.error.startsWith('client refused')) {
          report.refused++;
          return;
        }
        report.requests++;
        if (outcome.ok) report.statuses.set(outcome.response.status, (report.statuses.get(outcome.response.status) ?? 0) + 1);
        const problems = judge(probe, outcome);
        if (problems.length === 0) return;
        const answer = outcome.ok
          ? `${outcome.response.status} ${String(outcome.response.headers['content-type'] ?? '')} ${outcome.response.body.toString('utf8').slice(0, 300)}`
          : outcome.error;
        const text = `${problems.join('; ')}\n${describeRequest(probe.request)}\n→ ${answer}`;
        first ??= text;
        const key = violationClass(probe, problems);
        const known = report.violations.get(key);
        const size = sizeOf(probe);
        if (!known) report.violations.set(key, { count: 1, example: text, size });
        else {
          known.count++;
          if (size < known.size) Object.assign(known, { example: text, size });
        }
      });
      if (first && !options.collect) {
        failing = true;
        throw new Error(first);
      }
      return true;
    }),
    { numRuns: options.batches, seed: options.seed, verbose: 0 },
  );
  report.ms = performance.now() - started;
  if (details.failed) {
    const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    report.failure = `seed ${details.seed}, path "${details.counterexamplePath}", shrunk ${details.numShrinks} time(s):\n${error}`;
  }
  return report;
}

/** One line per status class, e.g. "303 41% · 400 30% · 404 12%". */
export function statusLine(report: SurfaceReport): string {
  const total = report.requests || 1;
  return [...report.statuses]
    .sort(([a], [b]) => a - b)
    .map(([status, n]) => `${status} ${((100 * n) / total).toFixed(n / total < 0.01 ? 1 : 0)}%`)
    .join(' · ');
}

/** The violations of a collect run, one paragraph per class. */
export function violationSummary(report: SurfaceReport): string {
  return [...report.violations].map(([key, v]) => `[${v.count}×] ${key}\n${v.example}`).join('\n\n');
}
