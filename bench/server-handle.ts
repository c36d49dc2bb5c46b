import { type ChildProcess, spawn } from 'node:child_process';
import { get } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { BootTimes, FromServer, ServerStats, SetupReply, ToServer } from './server-protocol.ts';

const SERVER_SOURCE = fileURLToPath(new URL('./server-process.ts', import.meta.url));
/** bench/server-process.ts bundled like dist/latchkey.mjs (see bench/startup.ts). */
export const SERVER_BUNDLE = 'dist/bench-server.mjs';
const SERVER_BUNDLE_PATH = fileURLToPath(new URL(`../${SERVER_BUNDLE}`, import.meta.url));
const READY_TIMEOUT_MS = 30_000;
const POLL_EVERY_MS = 5;

export interface ServerHandle {
  url: string;
  pid: number;
  /** Process spawn → first 200 from GET /ready, in ms. */
  readyMs: number;
  /** The server's own account of its start, from its ready message. */
  boot: BootTimes;
  stats(): Promise<ServerStats>;
  setup(users: number): Promise<SetupReply>;
  /** V8 CPU profile of the server between the two calls, written to `file` (.cpuprofile). */
  profileStart(): Promise<void>;
  profileStop(file: string): Promise<void>;
  stop(): Promise<void>;
}

/** One GET /ready; resolves with the status, or 0 when nothing answers yet. */
function probe(url: string): Promise<number> {
  return new Promise((resolve) => {
    const request = get(`${url}/ready`, { agent: false, timeout: 1000 }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', () => resolve(0));
    request.on('timeout', () => request.destroy());
  });
}

/** Omit that distributes over a union, so each message keeps its own fields. */
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Spawns the server with exactly `env` (plus PATH): `node dist/bench-server.mjs`, a bundle like
 * the one `npm start` runs, or `node --import tsx bench/server-process.ts` when `fromSource`.
 * Waits until GET /ready answers 200. The clock starts just before the spawn, so the figure includes
 * Node's own start, module loading, migrations and the Argon2 warm-up: what an operator waits for.
 */
export async function spawnServer(env: Record<string, string>, port: number, fromSource = false): Promise<ServerHandle> {
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, fromSource ? ['--import', 'tsx', SERVER_SOURCE] : [SERVER_BUNDLE_PATH], {
    env: { PATH: process.env.PATH ?? '', ...env },
    // Logs go to /dev/null (as cheap as a well-behaved log shipper); stderr is kept for failures.
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  let boot: BootTimes | undefined;
  child.on('message', (raw) => {
    const message = raw as FromServer;
    if ('type' in message && message.type === 'ready') boot = message.boot;
  });
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = `server process exited (${signal ?? code}) ${stderr}`;
  });

  let readyMs = 0;
  while (!readyMs) {
    if (exited) throw new Error(exited);
    if (performance.now() - started > READY_TIMEOUT_MS) {
      child.kill('SIGKILL');
      throw new Error(`server not ready after ${READY_TIMEOUT_MS} ms: ${stderr}`);
    }
    if ((await probe(url)) === 200) readyMs = performance.now() - started;
    else await sleep(POLL_EVERY_MS);
  }
  // The ready message is sent right after listen(), so it is here by now or within a moment.
  for (let i = 0; !boot && i < 200 && !exited; i++) await sleep(POLL_EVERY_MS);
  if (!boot) throw new Error(exited ?? 'server answered /ready but sent no ready message');
  const bootTimes = boot;

  let nextId = 1;
  const pending = new Map<number, { resolve: (m: FromServer) => void; reject: (e: Error) => void }>();
  child.on('message', (raw) => {
    const message = raw as FromServer;
    if (!('id' in message)) return;
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (!waiter) return;
    if ('error' in message) waiter.reject(new Error(message.error));
    else waiter.resolve(message);
  });
  child.once('exit', () => {
    for (const waiter of pending.values()) waiter.reject(new Error(exited ?? 'server process exited'));
    pending.clear();
  });
  const ask = (message: WithoutId<ToServer>): Promise<FromServer> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ ...message, id });
    });

  return {
    url,
    pid: child.pid ?? 0,
    readyMs,
    boot: bootTimes,
    async stats() {
      const reply = await ask({ type: 'stats' });
      if (!('stats' in reply)) throw new Error('unexpected reply to stats');
      return reply.stats;
    },
    async setup(users) {
      const reply = await ask({ type: 'setup', users });
      if (!('setup' in reply)) throw new Error('unexpected reply to setup');
      return reply.setup;
    },
    async profileStart() {
      await ask({ type: 'profile-start' });
    },
    async profileStop(file) {
      await ask({ type: 'profile-stop', file });
    },
    async stop() {
      if (exited) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.send({ type: 'stop', id: 0 });
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(timer);
    },
  };
}
