import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TenantId } from '../../src/core/ids.ts';
import type { MailTemplate, OutgoingMail } from '../../src/core/mail/outgoing-mail.ts';
import type { Store } from '../../src/core/ports.ts';
import type { OutboxWorkerLogger } from '../../src/mail/outbox-worker.ts';
import { openDatabase } from '../../src/store/dialects.ts';
import { type DialectName, openStore } from '../../src/store/index.ts';
import type { OutboxTable } from '../../src/store/schema.ts';
import { type TestServer, freshDatabase } from '../fixtures/server.ts';

/**
 * Waits until no session is connected to the PostgreSQL database at `url` (no-op for SQLite).
 *
 * Why: pg's Pool.end() resolves before its clients' connections are closed on the server, and
 * the fixture drops the database WITH (FORCE) right after. A session still closing then gets
 * "terminating connection due to administrator command", which pg raises as an uncaught error
 * in whichever test runs at that moment. Waiting here closes that window.
 */
export async function sessionsClosed(url: string, timeoutMs = 3_000): Promise<void> {
  if (!url.startsWith('postgres')) return;
  const target = new URL(url);
  const name = target.pathname.slice(1);
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const client = new pg.Client({ connectionString: maintenance.href });
  await client.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
      if (rows[0]?.n === 0 || Date.now() > deadline) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await client.end();
  }
}

/** Stops a test server (if still running), lets its database sessions close, then drops its database. */
export async function closeServer(server: TestServer): Promise<void> {
  // Why the catch: Latchkey.close() is not idempotent, and a test may have closed it already.
  await server.stop().catch(() => {});
  await sessionsClosed(server.databaseUrl);
  await server.close();
}

/** A fresh, migrated database for outbox tests, with a second connection to read raw rows. */
export interface OutboxDatabase {
  store: Store;
  /** Another store on the same database: a second node. */
  openNode(): Store;
  /** The outbox row as stored (to check what is left in the database). */
  row(id: string): Promise<OutboxTable | undefined>;
  close(): Promise<void>;
}

export async function outboxDatabase(dialect: DialectName): Promise<OutboxDatabase> {
  const database = await freshDatabase(dialect);
  const opened = openStore(database.url);
  await opened.migrate();
  const raw = openDatabase(database.url).db;
  const nodes: Store[] = [opened.store];
  return {
    store: opened.store,
    openNode() {
      const node = openStore(database.url).store;
      nodes.push(node);
      return node;
    },
    row: (id) => raw.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst(),
    async close() {
      for (const node of nodes) await node.close();
      await raw.destroy();
      await sessionsClosed(database.url);
      await database.drop();
    },
  };
}

/** A unique recipient, so each test's mail is told apart in the shared SMTP fixture. */
export const recipient = (label = 'user') => `${label}.${randomBytes(4).toString('hex')}@example.com`;

/** A passcode mail as the core enqueues it. */
export function passcodeMail(overrides: Partial<OutgoingMail> & { now: number }): OutgoingMail {
  const { now, ...rest } = overrides;
  const to = rest.to ?? recipient();
  return {
    id: randomBytes(12).toString('base64url'),
    tenantId: 'tenant-1' as TenantId,
    to,
    template: 'passcode_sign_in' satisfies MailTemplate,
    locale: 'en',
    params: { tenantName: 'Contoso', email: to, code: '12345678', lifetimeMinutes: 10 },
    createdAt: now,
    ...rest,
  };
}

export interface LogEntry {
  level: 'debug' | 'warn' | 'error';
  details: Record<string, unknown>;
  message: string;
}

/** A logger that keeps its entries and lets a test wait for one. */
export function captureLogger(): OutboxWorkerLogger & {
  entries: LogEntry[];
  waitFor(predicate: (e: LogEntry) => boolean, timeoutMs?: number): Promise<LogEntry>;
} {
  const entries: LogEntry[] = [];
  const log = (level: LogEntry['level']) => (details: object, message: string) => {
    entries.push({ level, details: details as Record<string, unknown>, message });
  };
  return {
    entries,
    debug: log('debug'),
    warn: log('warn'),
    error: log('error'),
    async waitFor(predicate, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = entries.find(predicate);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no matching log entry within ${timeoutMs} ms: ${JSON.stringify(entries)}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
  };
}

/** Polls `check` until it is true; for state a test cannot await directly. */
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
