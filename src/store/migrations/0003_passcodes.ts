import type { Kysely, Migration } from 'kysely';

/** Emailed passcodes (one live code per flow), tenant policies and the audit log. */
export const passcodes: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('passcodes')
      .addColumn('flow_id', 'varchar(64)', (c) => c.primaryKey().references('flows.id').onDelete('cascade'))
      .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('purpose', 'varchar(32)', (c) => c.notNull())
      .addColumn('code_hash', 'varchar(128)', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('failed_attempts', 'integer', (c) => c.notNull())
      .addColumn('sends', 'integer', (c) => c.notNull())
      .addColumn('last_sent_at', 'bigint', (c) => c.notNull())
      .addColumn('consumed_at', 'bigint')
      .execute();
    await db.schema.alterTable('tenants').addColumn('policies', 'text', (c) => c.notNull().defaultTo('{}')).execute();
    await db.schema
      .createTable('audit_log')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('actor', 'varchar(320)', (c) => c.notNull())
      .addColumn('action', 'varchar(64)', (c) => c.notNull())
      .addColumn('target', 'varchar(320)')
      .addColumn('details', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('audit_log_tenant_at').on('audit_log').columns(['tenant_id', 'at']).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('audit_log').execute();
    await db.schema.alterTable('tenants').dropColumn('policies').execute();
    await db.schema.dropTable('passcodes').execute();
  },
};
