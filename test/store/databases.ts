import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import type { Store } from '../../src/core/ports.ts';
import { openDatabase } from '../../src/store/dialects.ts';
import { type DialectName, openStore } from '../../src/store/index.ts';
import type { Database } from '../../src/store/schema.ts';
import { freshDatabase } from '../fixtures/server.ts';

export interface EmptyStore {
  store: Store;
  /** Ends the test's use of the store (the database itself lives until `dropAll`). */
  close(): Promise<void>;
}

/**
 * One migrated database per dialect and test file, emptied before each test, so every test
 * starts from an empty store and none sees what another wrote.
 *
 * Why not a database per test: on PostgreSQL a CREATE DATABASE plus migrations costs 0.5 to 2 s
 * on a busy machine (each copies or checkpoints the catalogue), which made this suite take two
 * minutes; emptying the tables takes a few milliseconds. Tests in a file run one at a time
 * (node:test's default), which this relies on.
 */
export function emptiedDatabases(dialect: DialectName) {
  let ready: Promise<{ url: string; store: Store; admin: Kysely<Database>; tables: string[]; drop(): Promise<void> }> | undefined;

  const database = () => {
    ready ??= (async () => {
      const fresh = await freshDatabase(dialect);
      const opened = openStore(fresh.url);
      await opened.migrate();
      const { db: admin } = openDatabase(fresh.url);
      const tables = (await admin.introspection.getTables()).map((table) => table.name).filter((name) => !name.startsWith('latchkey_migrations'));
      return { url: fresh.url, store: opened.store, admin, tables, drop: fresh.drop };
    })();
    return ready;
  };

  /** A store over an empty (migrated) database. */
  async function open(): Promise<EmptyStore> {
    const { store, admin, tables } = await database();
    // Every foreign key of the schema cascades or sets null, so the order of deletes is free.
    await admin.transaction().execute(async (trx) => {
      for (const table of tables) await sql`DELETE FROM ${sql.table(table)}`.execute(trx);
    });
    return { store, close: async () => {} };
  }

  /** Closes the connections and drops the database; call once, after the file's tests. */
  async function dropAll(): Promise<void> {
    if (!ready) return;
    const { url, store, admin, drop } = await ready;
    await store.close();
    await admin.destroy();
    if (dialect === 'postgres') await untilDisconnected(url);
    await drop();
  }

  return { open, dropAll };
}

/**
 * Why: pg-pool's end() resolves before its sockets have closed. Dropping the database WITH
 * (FORCE) at that moment terminates connections the pool still holds, which shows up as
 * idle-client errors in the test output (or, without the pool's error listener in
 * store/dialects.ts, crashes the process). So wait until the server has let go.
 */
async function untilDisconnected(url: string): Promise<void> {
  const target = new URL(url);
  const name = target.pathname.slice(1);
  target.pathname = '/postgres';
  const client = new pg.Client({ connectionString: target.href });
  await client.connect();
  try {
    for (let attempt = 0; attempt < 500; attempt++) {
      const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1', [name]);
      if (Number(rows[0]?.n) === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    await client.end();
  }
}
