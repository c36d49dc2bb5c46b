import type { Migration, MigrationProvider } from 'kysely';
import { init } from './0001_init.ts';

/** Migrations in order; names are permanent once released. */
const migrations: Record<string, Migration> = {
  '0001_init': init,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
