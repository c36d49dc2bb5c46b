/**
 * Timing probe for enumeration resistance (checklist A2, A5, A6, A8): does the answer time tell
 * whether an email address has an account? Starts Latchkey on a fresh SQLite database with the
 * real Argon2id parameters (m=19456 KiB, t=2, p=1), then for each journey sends N pairs of
 * requests, interleaved (ABAB, the order flipping every pair), and prints the median and p90 per
 * case and the gap between the two medians, against a target of < 5 ms. Not a test: it asserts
 * nothing and always exits 0 once it has printed its table.
 *
 *   npm run audit:timing                      # N = 60 per case
 *   npm run audit:timing -- --samples=120     # 10 ≤ N ≤ 300
 *
 * Only the decisive request is timed (POST /password, /forgot, /sign-up/email, /code/verify);
 * the pages before it are set up untimed. Each sample comes from its own loopback address
 * (Linux routes all of 127/8 to lo) and uses its own account or address, so rate limits,
 * lockout and per-address mail budgets never answer instead of the code under test.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Latchkey, startLatchkey } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';

const TARGET_MS = 5;
const samplesArg = process.argv.find((a) => a.startsWith('--samples='))?.split('=')[1];
const N = Math.min(300, Math.max(10, Number(samplesArg ?? 60) || 60));
const WARM_UP = 5;

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

/** A browser without JavaScript from one source address: keeps cookies, sends forms, times one request. */
function visitor(port: number, from: string) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const jar = new Map<string, string>();
  function send(method: string, path: string, form?: Record<string, string>) {
    const body = form ? new URLSearchParams(form).toString() : undefined;
    const headers: Record<string, string> = { accept: 'text/html' };
    if (jar.size) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    if (body !== undefined) Object.assign(headers, { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)) });
    return new Promise<{ status: number; location: string; html: string; ms: number }>((resolve, reject) => {
      const started = performance.now();
      const request = http.request({ host: '127.0.0.1', port, method, path, headers, agent, localAddress: from }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const ms = performance.now() - started;
          for (const line of response.headers['set-cookie'] ?? []) {
            const pair = line.split(';')[0] ?? '';
            jar.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
          }
          const location = response.headers.location ? new URL(response.headers.location, `http://127.0.0.1:${port}`) : undefined;
          resolve({
            status: response.statusCode ?? 0,
            location: location ? `${location.pathname}${location.search}` : '',
            html: Buffer.concat(chunks).toString('utf8'),
            ms,
          });
        });
      });
      request.on('error', reject);
      request.end(body);
    });
  }
  const fields = (html: string) => ({
    flow: html.match(/name="flow" value="([^"]*)"/)?.[1] ?? '',
    csrf: html.match(/name="csrf" value="([^"]*)"/)?.[1] ?? '',
  });
  return { send, fields, close: () => agent.destroy() };
}

type Visitor = ReturnType<typeof visitor>;

interface App {
  tenant: string;
  clientId: string;
  redirectUri: string;
}

const shard = (apps: App[], i: number) => apps[i % apps.length] as App;

interface Setup {
  latchkey: Latchkey;
  port: number;
  /** `m=…,t=…,p=…` of a stored password hash. */
  hashParameters: string;
  /** tenant name, client id, redirect URI per journey */
  /** Per journey, the apps of its tenants; sample i uses tenant i mod their number. */
  apps: Record<'signIn' | 'reset' | 'signUp' | 'passcode', App[]>;
  signInUsers: string[];
  known: Record<'reset' | 'signUp' | 'passcode', string[]>;
}

/** authorize → the first hosted page; returns its interaction prefix and form fields. */
async function begin(v: Visitor, app: App) {
  const verifier = randomBytes(32).toString('base64url');
  const query = new URLSearchParams({
    client_id: app.clientId,
    redirect_uri: app.redirectUri,
    response_type: 'code',
    scope: 'openid',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    state: randomBytes(8).toString('base64url'),
    nonce: randomBytes(8).toString('base64url'),
  });
  const start = await v.send('GET', `/${app.tenant}/oauth2/v2.0/authorize?${query}`);
  if (start.status !== 303) throw new Error(`authorize answered ${start.status}`);
  const page = await v.send('GET', start.location);
  return { base: start.location.split('?')[0] ?? '', ...v.fields(page.html) };
}

/** One journey: prepares a flow untimed, then times the decisive request. */
interface Journey {
  name: string;
  cases: [string, string];
  run(s: Setup, v: Visitor, which: 0 | 1, i: number): Promise<number>;
}

const expect303 = (answer: { status: number; ms: number; html: string }, what: string) => {
  if (answer.status !== 303) throw new Error(`${what} answered ${answer.status}: ${answer.html.slice(0, 200)}`);
  return answer.ms;
};

const JOURNEYS: Journey[] = [
  {
    name: 'password sign-in',
    cases: ['wrong password, existing email', 'unknown email'],
    async run(s, v, which, i) {
      const email = which === 0 ? (s.signInUsers[i % s.signInUsers.length] ?? '') : `nobody-${i % s.signInUsers.length}@example.com`;
      const { base, flow, csrf } = await begin(v, shard(s.apps.signIn, i));
      expect303(await v.send('POST', `${base}/email`, { flow, csrf, email }), 'email');
      return expect303(await v.send('POST', `${base}/password`, { flow, csrf, password: `wrong password ${i}` }), 'password');
    },
  },
  {
    name: 'reset request',
    cases: ['existing email', 'unknown email'],
    async run(s, v, which, i) {
      const email = which === 0 ? (s.known.reset[i] ?? '') : `ghost-${i}@example.com`;
      const { base, flow, csrf } = await begin(v, shard(s.apps.reset, i));
      expect303(await v.send('POST', `${base}/email`, { flow, csrf, email }), 'email');
      return expect303(await v.send('POST', `${base}/forgot`, { flow, csrf }), 'forgot');
    },
  },
  {
    name: 'sign-up email step',
    cases: ['existing email', 'new email'],
    async run(s, v, which, i) {
      const email = which === 0 ? (s.known.signUp[i] ?? '') : `new-${i}-${randomBytes(3).toString('hex')}@example.com`;
      const { base } = await begin(v, shard(s.apps.signUp, i));
      const page = v.fields((await v.send('GET', `${base}/sign-up`)).html);
      return expect303(await v.send('POST', `${base}/sign-up/email`, { ...page, email }), 'sign-up email');
    },
  },
  {
    name: 'passcode check (wrong code)',
    cases: ['flow of an existing email', 'flow of an unknown email'],
    async run(s, v, which, i) {
      const email = which === 0 ? (s.known.passcode[i] ?? '') : `stranger-${i}@example.com`;
      const { base, flow, csrf } = await begin(v, shard(s.apps.passcode, i));
      const started = await v.send('POST', `${base}/email`, { flow, csrf, email });
      expect303(started, 'email (passcode)');
      const code = v.fields((await v.send('GET', started.location)).html);
      return expect303(await v.send('POST', `${base}/code/verify`, { ...code, code: '00000000' }), 'code');
    },
  },
];

async function setUp(): Promise<Setup & { cleanUp(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-timing-'));
  const port = await freePort();
  const config = loadConfig({
    PORT: String(port),
    HOST: '127.0.0.1',
    LATCHKEY_BASE_URL: `http://127.0.0.1:${port}`,
    LATCHKEY_DATABASE_URL: `sqlite:${join(dir, 'latchkey.db')}`,
    LATCHKEY_DATA_DIR: dir,
    LATCHKEY_SECRET: randomBytes(32).toString('base64url'),
    LATCHKEY_SEED_DEMO: 'false',
    LATCHKEY_ARGON2_MEMORY_KIB: '19456',
    LATCHKEY_ARGON2_TIME_COST: '2',
    LATCHKEY_ARGON2_PARALLELISM: '1',
    LOG_LEVEL: 'error',
  });
  const latchkey = await startLatchkey(config, { print: () => {} });
  const { services } = latchkey;
  const redirectUri = 'http://127.0.0.1:5173/callback';
  // Tenants of their own per journey, one per 100 samples, so the per-tenant mail budget (300/min) never answers.
  const tenants = async (name: string, methods?: Array<'email_password' | 'email_otp'>) => {
    const out: Array<{ t: Awaited<ReturnType<typeof services.tenants.create>>; app: App }> = [];
    for (let k = 0; k < Math.ceil((N + WARM_UP) / 100); k++) {
      const t = await services.tenants.create(`timing-${name}-${randomBytes(2).toString('hex')}`);
      const userFlow = methods ? await services.userFlows.create({ tenantId: t.id, name, methods }) : undefined;
      const { app } = await services.apps.create({ tenantId: t.id, name, type: 'public', redirectUris: [redirectUri], userFlowId: userFlow?.id });
      out.push({ t, app: { tenant: t.name, clientId: app.id, redirectUri } });
    }
    return out;
  };
  const [signIn] = await tenants('sign-in');
  if (!signIn) throw new Error('no tenant');
  const reset = await tenants('reset');
  const signUp = await tenants('sign-up');
  const passcode = await tenants('passcode', ['email_otp']);
  // Ten users with real passwords; each gets at most N/10 wrong ones, below the lockout threshold (10) for N ≤ 100.
  const created = await Promise.all(
    Array.from({ length: Math.max(10, Math.ceil(N / 9)) }, (_, i) =>
      services.users.create({ tenantId: signIn.t.id, email: `user-${i}@example.com`, password: `Quartz lantern ${i} orbit`, emailVerified: true }),
    ),
  );
  const signInUsers = created.map((u) => u.email);
  // The parameters as stored, to show the probe measures the real cost and not a test setting.
  const stored = created[0] ? await services.deps.store.passwords.find(created[0].id) : undefined;
  const hashParameters = stored?.hash.split('$')[3] ?? 'unknown';
  /** Account i lives in the tenant that sample i uses. */
  const accounts = async (shards: typeof reset, prefix: string) => {
    const emails: string[] = [];
    for (let i = 0; i < N + WARM_UP; i++) {
      const tenantId = shards[i % shards.length]?.t.id ?? signIn.t.id;
      emails.push((await services.users.create({ tenantId, email: `${prefix}-${i}@example.com`, emailVerified: true })).email);
    }
    return emails;
  };
  return {
    latchkey,
    port,
    hashParameters,
    apps: { signIn: [signIn.app], reset: reset.map((r) => r.app), signUp: signUp.map((r) => r.app), passcode: passcode.map((r) => r.app) },
    signInUsers,
    known: { reset: await accounts(reset, 'reset'), signUp: await accounts(signUp, 'taken'), passcode: await accounts(passcode, 'otp') },
    async cleanUp() {
      await latchkey.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return (sorted[lo] ?? 0) + ((sorted[hi] ?? 0) - (sorted[lo] ?? 0)) * (at - lo);
};

async function main() {
  const setup = await setUp();
  const fmt = (ms: number) => `${ms.toFixed(1)} ms`.padStart(9);
  const rows: string[] = [];
  let address = 0;
  const nextVisitor = () => {
    address++;
    return visitor(setup.port, `127.0.${8 + Math.floor(address / 250)}.${(address % 250) + 1}`);
  };
  try {
    for (const journey of JOURNEYS) {
      const times: [number[], number[]] = [[], []];
      for (let i = 0; i < N + WARM_UP; i++) {
        // Interleaved, the order flipping every pair, so drift and warm caches hit both cases alike.
        for (const which of (i % 2 === 0 ? [0, 1] : [1, 0]) as Array<0 | 1>) {
          const v = nextVisitor();
          const ms = await journey.run(setup, v, which, i);
          v.close();
          if (i >= WARM_UP) times[which].push(ms);
          // Let the outbox worker deliver what the request queued before the next one is timed.
          await new Promise((resolve) => setTimeout(resolve, 15));
        }
      }
      const [a, b] = times.map((t) => ({ median: quantile(t, 0.5), p90: quantile(t, 0.9) })) as [
        { median: number; p90: number },
        { median: number; p90: number },
      ];
      const gap = Math.abs(a.median - b.median);
      rows.push(`${journey.name.padEnd(28)} ${journey.cases[0].padEnd(32)} ${fmt(a.median)} ${fmt(a.p90)}`);
      rows.push(`${''.padEnd(28)} ${journey.cases[1].padEnd(32)} ${fmt(b.median)} ${fmt(b.p90)}`);
      rows.push(
        `${''.padEnd(28)} ${'gap of the medians'.padEnd(32)} ${fmt(gap)} ${''.padEnd(9)}  target < ${TARGET_MS} ms: ${gap < TARGET_MS ? 'met' : 'NOT MET'}`,
      );
    }
  } finally {
    await setup.cleanUp();
  }
  const header = `${'journey'.padEnd(28)} ${'case'.padEnd(32)} ${'median'.padStart(9)} ${'p90'.padStart(9)}`;
  console.log(
    `Latchkey timing probe: Argon2id ${setup.hashParameters} (as stored); SQLite; ${N} interleaved samples per case (after ${WARM_UP} warm-up pairs); Node ${process.version}`,
  );
  console.log(header);
  console.log('-'.repeat(header.length + 24));
  for (const row of rows) console.log(row);
}

await main();
