import type { Command } from './command.ts';

export const migrateCommand: Command = {
  summary: 'Bring the database schema up to date and print the migrations applied.',
  notes: ['Every command (and the server) also migrates on start; this one only does that, so deploy scripts can run it first.'],
  async run({ out, withServices }) {
    const { applied, dialect } = await withServices(async (s) => ({ applied: s.appliedMigrations, dialect: s.dialect }));
    out.result(
      { dialect, applied },
      applied.length === 0
        ? [`The ${dialect} database is up to date; no migrations to apply.`]
        : [`Applied ${applied.length} migration${applied.length === 1 ? '' : 's'} to the ${dialect} database:`, ...applied.map((name) => `  ${name}`)],
    );
  },
};
