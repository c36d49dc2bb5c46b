import { type Kysely, type Migration, sql } from 'kysely';

/**
 * `apps.secret_hash` holds the SHA-256 of every live client secret of an app, space-separated
 * (several while a secret is rolled over), but 0001 sized it for one: `varchar(128)`. On
 * PostgreSQL the third live secret (3 × 43 characters and two spaces) overflowed it, and adding
 * that secret failed with a 500; SQLite never enforced the length. The column becomes `text`.
 *
 * Dialect-neutral, as every migration here: SQLite cannot change a column's type, so a `text`
 * column takes the values, the old one is dropped and the new one takes its name (SQLite 3.35+).
 */
export const appSecretHashes: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('apps').addColumn('secret_hashes', 'text').execute();
    await sql`UPDATE apps SET secret_hashes = secret_hash`.execute(db);
    await db.schema.alterTable('apps').dropColumn('secret_hash').execute();
    await db.schema.alterTable('apps').renameColumn('secret_hashes', 'secret_hash').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('apps').addColumn('secret_hash_one', 'varchar(128)').execute();
    // Keeps the first live hash (SHA-256 in base64url: 43 characters) when a rollover left several.
    await sql`UPDATE apps SET secret_hash_one = substr(secret_hash, 1, 43)`.execute(db);
    await db.schema.alterTable('apps').dropColumn('secret_hash').execute();
    await db.schema.alterTable('apps').renameColumn('secret_hash_one', 'secret_hash').execute();
  },
};
