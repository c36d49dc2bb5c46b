import type { Kysely, Migration } from 'kysely';

/** Administrators' role grants and the API keys of automation. */
export const admin: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('admin_grants')
      .addColumn('admin_id', 'varchar(64)', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('role', 'varchar(32)', (c) => c.notNull())
      // '*' for every tenant (not NULL: a unique key must see two "every tenant" grants as equal).
      .addColumn('tenant_scope', 'varchar(64)', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('admin_grants_pk', ['admin_id', 'role', 'tenant_scope'])
      .execute();
    await db.schema
      .createTable('api_keys')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('name', 'varchar(256)', (c) => c.notNull())
      .addColumn('prefix', 'varchar(64)', (c) => c.notNull())
      .addColumn('secret_hash', 'varchar(128)', (c) => c.notNull())
      .addColumn('grants', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_used_at', 'bigint')
      .addColumn('revoked_at', 'bigint')
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('api_keys').execute();
    await db.schema.dropTable('admin_grants').execute();
  },
};
