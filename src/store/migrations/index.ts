import type { Migration, MigrationProvider } from 'kysely';
import { init } from './0001_init.ts';
import { outbox } from './0002_outbox.ts';
import { passcodes } from './0003_passcodes.ts';
import { admin } from './0004_admin.ts';
import { adminResources } from './0005_admin_resources.ts';
import { appSecretHashes } from './0006_app_secret_hashes.ts';

/** Migrations in order; names are permanent once released. */
const migrations: Record<string, Migration> = {
  '0001_init': init,
  '0002_outbox': outbox,
  '0003_passcodes': passcodes,
  '0004_admin': admin,
  '0005_admin_resources': adminResources,
  '0006_app_secret_hashes': appSecretHashes,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
