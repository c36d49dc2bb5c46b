import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, type SqliteDatabase, SqliteDialect, type SqliteStatement } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';

export type DialectName = 'sqlite' | 'postgres';

// pg returns int8 (our millisecond timestamps) and count(*) as strings; every such value fits
// in a double, so parse them as numbers once, here, for both dialects to agree.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

/** Distinct SQL texts kept prepared; the repositories issue far fewer, so this only bounds odd growth. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * Why: Kysely's SqliteDialect calls `prepare()` for every query, and compiling the SQL again each
 * time was about a fifth of each query's CPU (an OIDC artifact upsert + find + consume: ~95 µs
 * uncached, ~75 µs cached). This wrapper hands Kysely the same prepared statement for the same
 * SQL text. It is safe because
 * Kysely runs one query at a time on its single SQLite connection, parameters are bound per call
 * (never baked into a statement), and SQLite recompiles a cached statement by itself when the
 * schema changes (migrations). The least recently used statement is dropped past the bound.
 */
function cachingStatements(sqlite: SQLite.Database): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => {
      statements.clear();
      sqlite.close();
    },
    prepare(sql) {
      let statement = statements.get(sql);
      if (statement) statements.delete(sql);
      else {
        statement = sqlite.prepare(sql);
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value as string);
      }
      statements.set(sql, statement);
      return statement;
    },
  };
}

/** Opens the database named by a `sqlite:<path>` or `postgres://…` URL. */
export function openDatabase(url: string): { db: Kysely<Database>; dialect: DialectName } {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const sqlite = new SQLite(path);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('synchronous = NORMAL');
    return { db: new Kysely<Database>({ dialect: new SqliteDialect({ database: cachingStatements(sqlite) }) }), dialect: 'sqlite' };
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    // An idle client can die (failover, admin restart); without a listener that error would crash
    // the process. The pool replaces the client; the next query fails or succeeds on its own.
    pool.on('error', (error) => process.emitWarning(`PostgreSQL idle client error: ${error.message}`));
    return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), dialect: 'postgres' };
  }
  throw new Error(`Unsupported database URL "${url}": use sqlite:<path> or postgres://…`);
}
