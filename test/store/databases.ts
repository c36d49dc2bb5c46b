import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Store } from '../../src/core/ports.ts';
import { type DialectName, openStore } from '../../src/store/index.ts';
import { freshDatabase } from '../fixtures/server.ts';

export interface MigratedStore {
  store: Store;
  /** The database URL, for a test that needs a second connection of its own. */
  url: string;
  /** Closes the store and drops its database. */
  close(): Promise<void>;
}

/**
 * Migrating a database costs 0.1 to 0.4 s (every DDL statement is a synced transaction) and
 * copying one a few milliseconds (SQLite) or about 0.15 s (PostgreSQL), so the databases of one
 * test file are copies of a template migrated once. Every test still gets a database of its own:
 * nothing written by one test is seen by another.
 */
export function migratedDatabases(dialect: DialectName) {
  let template: Promise<{ url: string; drop(): Promise<void> }> | undefined;
  const copies: string[] = [];

  const migratedTemplate = () => {
    template ??= (async () => {
      const database = await freshDatabase(dialect);
      const opened = openStore(database.url);
      await opened.migrate();
      await opened.store.close();
      if (dialect === 'postgres') await untilDisconnected(database.url);
      return database;
    })();
    return template;
  };

  async function open(): Promise<MigratedStore> {
    const source = await migratedTemplate();
    if (dialect === 'sqlite') {
      // Closing the template checkpointed its WAL, so the one file holds the whole database.
      const dir = mkdtempSync(join(tmpdir(), 'latchkey-contract-'));
      const path = join(dir, 'latchkey.db');
      copyFileSync(source.url.slice('sqlite:'.length), path);
      const url = `sqlite:${path}`;
      const opened = openStore(url);
      return {
        store: opened.store,
        url,
        async close() {
          await opened.store.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    const name = `latchkey_copy_${randomBytes(6).toString('hex')}`;
    await onMaintenanceDb(source.url, (client) => client.query(`CREATE DATABASE ${name} TEMPLATE ${databaseName(source.url)}`));
    copies.push(name);
    const url = withDatabase(source.url, name);
    const opened = openStore(url);
    return { store: opened.store, url, close: () => opened.store.close() };
  }

  /** Drops every database this helper made; call once, after the file's tests. */
  async function dropAll(): Promise<void> {
    if (!template) return;
    const source = await template;
    if (dialect === 'sqlite') return source.drop();
    for (const name of copies.splice(0)) {
      const url = withDatabase(source.url, name);
      await untilDisconnected(url);
      await onMaintenanceDb(url, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    }
    await source.drop();
  }

  return { open, dropAll };
}

const databaseName = (url: string) => new URL(url).pathname.slice(1);
const withDatabase = (url: string, name: string) => {
  const next = new URL(url);
  next.pathname = `/${name}`;
  return next.href;
};

async function onMaintenanceDb<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Why: pg-pool's end() resolves before its sockets have closed. Dropping the database WITH
 * (FORCE) at that moment terminates a connection the pool still listens to, and the pool's
 * unhandled 'error' event crashes the test process. So wait until the server has let go.
 */
async function untilDisconnected(url: string): Promise<void> {
  const name = databaseName(url);
  await onMaintenanceDb(url, async (client) => {
    for (let attempt = 0; attempt < 200; attempt++) {
      const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1', [name]);
      if (Number(rows[0]?.n) === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  });
}
