import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config.ts';
import { createServices } from '../../src/services.ts';
import { openDatabase } from '../../src/store/dialects.ts';
import { migrationProvider } from '../../src/store/migrations/index.ts';
import { sessionsClosed } from '../fixtures/child-server.ts';
import { FAST_ARGON2, dialects, freshDatabase } from '../fixtures/server.ts';

/**
 * J14 (SECURITY-CHECKLIST): `latchkey migrate` is idempotent. A second run on a populated
 * database applies nothing and leaves users and password hashes untouched; runs at once (the
 * CLI while the server starts, or two nodes deploying together) apply each migration once. ASVS 2.3.3.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface MigrateResult {
  dialect: string;
  applied: string[];
}

/** A fresh, unmigrated database and the environment the CLI needs for it. */
async function emptyInstallation(t: { after(fn: () => Promise<void>): void }, dialect: 'sqlite' | 'postgres') {
  const database = await freshDatabase(dialect);
  const dataDir = mkdtempSync(join(tmpdir(), 'latchkey-migrate-'));
  t.after(async () => {
    await sessionsClosed(database.url);
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    LATCHKEY_DATABASE_URL: database.url,
    LATCHKEY_SECRET: randomBytes(32).toString('base64url'),
    LATCHKEY_DATA_DIR: dataDir,
    ...FAST_ARGON2,
  };
  return { env, url: database.url };
}

/** Runs `latchkey migrate --json` as a real process and parses its one JSON document. */
function migrate(env: Record<string, string>): Promise<MigrateResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'migrate', '--json'],
      { cwd: ROOT, env, timeout: 30_000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`latchkey migrate failed (${error.code}): ${stderr}`));
        else resolve(JSON.parse(stdout) as MigrateResult);
      },
    );
  });
}

const allMigrations = async () => Object.keys(await migrationProvider.getMigrations()).sort();

for (const dialect of dialects()) {
  describe(`migrations (J14, ${dialect})`, () => {
    it('migrate applies every migration once; a second run on a populated database applies nothing and keeps users and hashes', async (t) => {
      const { env, url } = await emptyInstallation(t, dialect);
      const first = await migrate(env);
      assert.deepEqual(first, { dialect, applied: await allMigrations() });

      const services = await createServices(loadConfig(env));
      assert.deepEqual(services.appliedMigrations, [], 'the server start-up migration finds nothing to do either');
      const tenant = await services.tenants.create('acme');
      await services.users.create({ tenantId: tenant.id, email: 'ada@example.com', password: 'Analytical engine 1843' });
      await services.close();
      const snapshot = async () => {
        const raw = openDatabase(url).db;
        try {
          return await raw
            .selectFrom('password_credentials')
            .innerJoin('users', 'users.id', 'password_credentials.user_id')
            .select(['users.email', 'password_credentials.hash'])
            .execute();
        } finally {
          await raw.destroy();
        }
      };
      const before = await snapshot();
      assert.equal(before.length, 1);

      const second = await migrate(env);
      assert.deepEqual(second, { dialect, applied: [] });
      assert.deepEqual(await snapshot(), before);
    });

    // On SQLite Kysely's migration lock is a no-op; migrate.ts runs the whole migration in one
    // BEGIN IMMEDIATE transaction, so the runs queue on the database's write lock.
    it('three migrate runs at once on an empty database apply each migration exactly once', async (t) => {
      const { env } = await emptyInstallation(t, dialect);
      const runs = await Promise.all([migrate(env), migrate(env), migrate(env)]);
      const applied = runs.flatMap((run) => run.applied).sort();
      assert.deepEqual(applied, await allMigrations());
    });
  });
}
