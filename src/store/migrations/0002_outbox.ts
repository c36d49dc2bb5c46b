import type { Kysely, Migration } from 'kysely';

/** The transactional mail outbox. */
export const outbox: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('outbox')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('recipient', 'varchar(320)', (c) => c.notNull())
      .addColumn('template', 'varchar(64)', (c) => c.notNull())
      .addColumn('locale', 'varchar(35)', (c) => c.notNull())
      .addColumn('params', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('due_at', 'bigint', (c) => c.notNull())
      .addColumn('sent_at', 'bigint')
      .addColumn('last_error', 'varchar(1024)')
      .execute();
    await db.schema.createIndex('outbox_due').on('outbox').columns(['sent_at', 'due_at']).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('outbox').execute();
  },
};
