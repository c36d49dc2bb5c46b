/**
 * The server under benchmark, in its own process so that its RSS and CPU are its own and not
 * the load generator's. Started by bench/server-handle.ts from its esbuild bundle
 * (dist/bench-server.mjs, as `npm start` runs dist/latchkey.mjs) or, with --from-source, as
 * `node --import tsx bench/server-process.ts`, with the whole configuration in its environment.
 * It talks to the bench over the IPC channel only (no extra HTTP route, so the server is exactly
 * what `latchkey serve` runs).
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';
import { startLatchkey } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import type { ServerStats, SetupReply, ToServer } from './server-protocol.ts';

// Imports are hoisted: this line runs once every module is loaded (or the bundle is evaluated).
const loadedMs = performance.now();

const send = (message: unknown) => process.send?.(message);

if (!process.send) {
  process.stderr.write('bench/server-process.ts is started by bench/run.ts (it needs an IPC channel).\n');
  process.exit(2);
}

const latchkey = await startLatchkey(loadConfig(process.env), { print: () => {} });
const startedMs = performance.now();

function stats(): ServerStats {
  const elu = performance.eventLoopUtilization();
  const cpu = process.cpuUsage();
  return { rss: process.memoryUsage.rss(), cpuMicros: cpu.user + cpu.system, eluActive: elu.active, eluIdle: elu.idle };
}

/** One tenant, one public app and `users` users with a known password, hashed with the server's own Argon2 parameters. */
async function setup(users: number): Promise<SetupReply> {
  const { services } = latchkey;
  const tenant = await services.tenants.create(`bench-${randomBytes(3).toString('hex')}`, 'Benchmark');
  const redirectUri = 'http://127.0.0.1:5173/callback';
  const { app } = await services.apps.create({
    tenantId: tenant.id,
    name: 'Bench app',
    type: 'public',
    redirectUris: [redirectUri],
    postLogoutRedirectUris: [],
  });
  const accounts = Array.from({ length: users }, (_, i) => ({ email: `user${i}@bench.example`, password: `pw-${randomBytes(9).toString('base64url')}` }));
  await Promise.all(
    accounts.map((a, i) =>
      services.users.create({ tenantId: tenant.id, email: a.email, password: a.password, displayName: `Bench User ${i}`, emailVerified: true }),
    ),
  );
  return { tenantName: tenant.name, clientId: app.id, redirectUri, users: accounts };
}

let profiler: Session | undefined;

async function startProfile(): Promise<void> {
  profiler = new Session();
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.setSamplingInterval', { interval: 200 });
  await profiler.post('Profiler.start');
}

async function stopProfile(file: string): Promise<void> {
  if (!profiler) throw new Error('no profile running');
  const { profile } = await profiler.post('Profiler.stop');
  profiler.disconnect();
  profiler = undefined;
  await writeFile(file, JSON.stringify(profile));
}

async function stop(): Promise<void> {
  await latchkey.close().catch(() => {});
  process.exit(0);
}

process.on('message', (raw) => {
  const message = raw as ToServer;
  const reply = (body: unknown) => send({ id: message.id, ...(body as object) });
  if (message.type === 'stats') reply({ stats: stats() });
  else if (message.type === 'setup') {
    setup(message.users).then(
      (result) => reply({ setup: result }),
      (error: unknown) => reply({ error: String(error) }),
    );
  } else if (message.type === 'profile-start' || message.type === 'profile-stop') {
    (message.type === 'profile-start' ? startProfile() : stopProfile(message.file)).then(
      () => reply({ done: true }),
      (error: unknown) => reply({ error: String(error) }),
    );
  } else if (message.type === 'stop') void stop();
});
// The bench went away (crash or Ctrl-C): never linger as an orphan.
process.on('disconnect', () => void stop());

send({ type: 'ready', url: latchkey.url, stats: stats(), boot: { loadedMs, startedMs } });
