import type { Kysely, Migration } from 'kysely';

/**
 * What the admin API adds: the tenant's custom attribute definitions (user flows collect them by
 * name), the client secrets of apps (several at once, so a secret can be rolled over), the
 * tenant's branding per language, and the mark on a password an administrator set, which its
 * user must change at the next sign-in.
 */
export const adminResources: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('password_credentials')
      .addColumn('must_change', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createTable('custom_attributes')
      .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
      .addColumn('name', 'varchar(64)', (c) => c.notNull())
      .addColumn('type', 'varchar(16)', (c) => c.notNull())
      .addColumn('required', 'integer', (c) => c.notNull())
      .addColumn('label', 'varchar(256)', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('custom_attributes_pk', ['tenant_id', 'name'])
      .execute();
    await db.schema
      .createTable('app_secrets')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
      .addColumn('app_id', 'varchar(64)', (c) => c.notNull().references('apps.id').onDelete('cascade'))
      .addColumn('hash', 'varchar(128)', (c) => c.notNull())
      .addColumn('hint', 'varchar(8)', (c) => c.notNull())
      .addColumn('description', 'varchar(256)', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('revoked_at', 'bigint')
      .execute();
    await db.schema.createIndex('app_secrets_app').on('app_secrets').column('app_id').execute();
    await db.schema
      .createTable('branding')
      .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
      .addColumn('locale', 'varchar(35)', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('branding_pk', ['tenant_id', 'locale'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('branding').execute();
    await db.schema.dropTable('app_secrets').execute();
    await db.schema.dropTable('custom_attributes').execute();
    await db.schema.alterTable('password_credentials').dropColumn('must_change').execute();
  },
};
