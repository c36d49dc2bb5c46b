import { type Kysely, Migrator, sql } from 'kysely';
import type { DialectName } from './dialects.ts';
import { migrationProvider } from './migrations/index.ts';
import type { Database } from './schema.ts';

/** Any fixed 64-bit number; it names Latchkey's migration lock among the database's advisory locks. */
const MIGRATION_LOCK_KEY = 0x4c61_7463_686b;

const migratorFor = (db: Kysely<Database>, disableTransactions: boolean) =>
  new Migrator({ db, provider: migrationProvider, migrationTableName: 'latchkey_migrations', migrationLockTableName: 'latchkey_migrations_lock', disableTransactions });

async function run(migrator: Migrator): Promise<string[]> {
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * Brings the schema to the latest version; returns the names of the migrations it applied.
 * Several processes may run this at once (the CLI while a server starts, nodes deploying
 * together). Kysely's own lock only covers applying migrations, not creating its bookkeeping
 * tables first, and concurrent `CREATE TABLE IF NOT EXISTS` can still fail on PostgreSQL (a
 * unique violation in pg_type). So on PostgreSQL a session advisory lock, held on a connection of
 * its own, covers the whole run. On SQLite Kysely's lock is a no-op (it assumes one process):
 * there the whole run, from reading what is applied to the last migration, is one BEGIN
 * IMMEDIATE transaction, which takes the database's write lock first and so waits
 * (busy_timeout) for any other run to commit, then sees its work.
 */
export async function migrateToLatest(db: Kysely<Database>, dialect: DialectName): Promise<string[]> {
  if (dialect !== 'sqlite') {
    return db.connection().execute(async (conn) => {
      await sql`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`.execute(conn);
      try {
        return await run(migratorFor(db, false));
      } finally {
        await sql`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.execute(conn).catch(() => {});
      }
    });
  }
  return db.connection().execute(async (conn) => {
    await sql`BEGIN IMMEDIATE`.execute(conn);
    try {
      const applied = await run(migratorFor(conn, true));
      await sql`COMMIT`.execute(conn);
      return applied;
    } catch (error) {
      await sql`ROLLBACK`.execute(conn).catch(() => {});
      throw error;
    }
  });
}
