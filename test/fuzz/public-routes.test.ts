import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { DialectName } from '../../src/store/index.ts';
import { dialects, startTestServer, type TestServer } from '../fixtures/server.ts';
import { adminProbes } from './admin-probes.ts';
import { type AdminWorld, buildAdminWorld } from './admin-world.ts';
import { journeyPages, journeyPosts } from './journey-probes.ts';
import { miscProbes } from './misc-probes.ts';
import { oidcProbes } from './oidc-probes.ts';
import { headBytes, type Probe } from './oracle.ts';
import { badUrls, malformedFraming, NODE_HEADER_LIMIT, unusualFraming } from './protocol-probes.ts';
import { runSurface, statusLine, violationSummary } from './run-surface.ts';
import { createWire } from './wire.ts';
import { buildWorld, type World } from './world.ts';

/**
 * Property-based fuzzing of every public route against the real server (I1–I9, G4): random and
 * hostile values in every form field, query and header, wrong content types and encodings,
 * oversized bodies and headers, odd methods, path traversal, malformed framing; and of every
 * operation of the admin REST API, read from its OpenAPI document. Every answer must be a
 * 4xx/3xx/2xx with the security headers and an HTML document or JSON (the admin API: JSON and
 * no-store, always); at the end the process has seen no unhandled rejection or uncaught
 * exception and the server still answers /ready.
 *
 * LATCHKEY_FUZZ_RUNS=n multiplies the number of runs (default 1: about 14,000 requests over both
 * dialects); LATCHKEY_FUZZ_SEED replays a seed; LATCHKEY_FUZZ_COLLECT=1 keeps going after a
 * violation and prints every class of violation found, with its smallest request.
 */

const unexpected: unknown[] = [];
process.on('unhandledRejection', (reason) => unexpected.push(reason));
process.on('uncaughtException', (error) => unexpected.push(error));

const SCALE = Math.max(1, Number(process.env.LATCHKEY_FUZZ_RUNS ?? 1));
const SEED = process.env.LATCHKEY_FUZZ_SEED ? Number(process.env.LATCHKEY_FUZZ_SEED) : Date.now() ^ (Math.random() * 0x7fffffff);
const COLLECT = process.env.LATCHKEY_FUZZ_COLLECT === '1';
const CONCURRENCY = 16;

/** Batches (of CONCURRENCY requests) per surface on SQLite; PostgreSQL runs a quarter as many. */
const BATCHES = {
  'journey forms': 220,
  'journey pages': 70,
  oidc: 160,
  'other routes': 70,
  'admin API': 125,
  'unusual framing': 45,
  'bad URLs': 15,
  'malformed framing': 15,
} as const;
type Surface = keyof typeof BATCHES;

const WORLD = { sqlite: { tenants: 3, contextsPerTenant: 12 }, postgres: { tenants: 2, contextsPerTenant: 8 } } as const;
const ADMIN_WORLD = { sqlite: { tenants: 3, throwaway: 6, perTenant: 6 }, postgres: { tenants: 2, throwaway: 3, perTenant: 4 } } as const;
const SHARE: Record<DialectName, number> = { sqlite: 1, postgres: 0.25 };

let totalRequests = 0;

/**
 * The surfaces, each its own property so that one known bug does not hide the others. Requests
 * the router or Node's parser answer before any route runs (bad percent escapes, over-long
 * parameters, heads over 16 KiB, broken framing) have surfaces of their own.
 */
function surfaces(world: World, adminWorld: AdminWorld, port: number): Record<Surface, fc.Arbitrary<Probe>> {
  const routed = (arbitrary: fc.Arbitrary<Probe>) => arbitrary.filter((probe) => headBytes(probe) < NODE_HEADER_LIMIT - 1024);
  const posts = routed(journeyPosts(world));
  const pages = routed(journeyPages(world));
  const oidc = routed(oidcProbes(world));
  const misc = routed(miscProbes(world));
  const admin = routed(adminProbes(adminWorld));
  const any = fc.oneof(
    { weight: 4, arbitrary: posts },
    { weight: 1, arbitrary: pages },
    { weight: 3, arbitrary: oidc },
    { weight: 1, arbitrary: misc },
    { weight: 2, arbitrary: admin },
  );
  return {
    'journey forms': posts,
    'journey pages': pages,
    oidc,
    'other routes': misc,
    'admin API': admin,
    'unusual framing': unusualFraming(any, port),
    'bad URLs': badUrls(any),
    'malformed framing': malformedFraming(any, port),
  };
}

for (const dialect of dialects()) {
  describe(`public routes under fuzzing (${dialect}, seed ${SEED})`, () => {
    let server: TestServer | undefined;
    let wire: ReturnType<typeof createWire> | undefined;
    let arbitraries: Record<Surface, fc.Arbitrary<Probe>> | undefined;

    before(async () => {
      server = await startTestServer({ dialect, seedDemo: true, env: { LOG_LEVEL: process.env.LATCHKEY_FUZZ_LOG ?? 'silent' } });
      wire = createWire(server.baseUrl);
      const world = await buildWorld(server, wire, WORLD[dialect]);
      // The admin API gets tenants of its own: its changes (deleted apps, disabled users, new
      // policies) must not pull the ground from under the journeys the other surfaces drive.
      const adminWorld = await buildAdminWorld(server, ['demo', ...world.tenants.map((t) => t.name)], ADMIN_WORLD[dialect]);
      arbitraries = surfaces(world, adminWorld, Number(new URL(server.baseUrl).port));
    });
    after(async () => {
      wire?.close();
      await server?.close();
    });

    for (const surface of Object.keys(BATCHES) as Surface[]) {
      it(`${surface}: every answer is a clean 2xx–4xx with the security headers`, async (t) => {
        assert.ok(wire && arbitraries);
        const batches = Math.max(2, Math.round(BATCHES[surface] * SHARE[dialect] * SCALE));
        const report = await runSurface(arbitraries[surface], { wire, batches, concurrency: CONCURRENCY, seed: SEED, collect: COLLECT });
        totalRequests += report.requests;
        t.diagnostic(
          `${report.requests} requests in ${(report.ms / 1000).toFixed(1)} s: ${statusLine(report)}${report.refused ? ` (${report.refused} refused by the client)` : ''}`,
        );
        for (const [kind, { count }] of report.violations) t.diagnostic(`violation ×${count}: ${kind}`);
        if (report.failure) assert.fail(report.failure);
        if (report.violations.size) assert.fail(violationSummary(report));
      });
    }

    it('still answers /ready, and the process saw no unhandled rejection or uncaught exception', async () => {
      assert.ok(wire);
      const ready = await wire.send({ method: 'GET', path: '/ready', headers: { accept: 'application/json' }, from: '127.0.0.1' });
      assert.ok(ready.ok, ready.ok ? '' : ready.error);
      assert.equal(ready.response.status, 200, ready.response.body.toString());
      assert.deepEqual(JSON.parse(ready.response.body.toString()), { status: 'ready' });
      assert.deepEqual(unexpected.map(String), []);
    });
  });
}

describe('fuzzing volume', () => {
  it('sent over 10,000 generated requests when both dialects run', (t) => {
    t.diagnostic(`${totalRequests} generated requests in total (seed ${SEED}, scale ${SCALE})`);
    if (dialects().length === 2) assert.ok(totalRequests > 10_000, `only ${totalRequests} requests`);
  });
});
