import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DialectName } from '../src/store/index.ts';
import { freePort, freshDatabase } from '../test/fixtures/server.ts';
import { SERVER_ARGON2 } from './argon2-ceiling.ts';
import { log, median, ms } from './report.ts';
import { bundle } from '../scripts/build.mjs';
import { SERVER_BUNDLE, type ServerHandle, spawnServer } from './server-handle.ts';

export interface StartupResult {
  /** Spawn → /ready on an empty database (migrations included). */
  firstStartMs: number;
  /** Spawn → /ready on the migrated database, one per restart. */
  restartMs: number[];
  medianRestartMs: number;
  /** The last started server, left running for the load phases. */
  server: ServerHandle;
  /** Stops the server, drops the database and removes the data directory. */
  cleanUp(): Promise<void>;
}

/**
 * Starts the server on a fresh database (which migrates it), stops it, then starts it `restarts`
 * more times on the migrated database and keeps the last one. Production settings: no demo
 * seed, NODE_ENV=production, the real Argon2 parameters, the configured log level.
 */
export async function startServers(options: { dialect: DialectName; logLevel: string; restarts: number; fromSource: boolean; smtpUrl: string }): Promise<StartupResult> {
  // Bundled the way `npm start` bundles the CLI, before any clock starts.
  if (!options.fromSource) await bundle('bench/server-process.ts', SERVER_BUNDLE);
  const database = await freshDatabase(options.dialect);
  const dataDir = mkdtempSync(join(tmpdir(), 'latchkey-bench-'));
  const port = await freePort();
  // Production refuses to start without SMTP: the bench's own sink on 127.0.0.1 (bench/smtp-sink.ts).
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    LATCHKEY_BASE_URL: `http://127.0.0.1:${port}`,
    LATCHKEY_DATABASE_URL: database.url,
    LATCHKEY_DATA_DIR: dataDir,
    LATCHKEY_SECRET: randomBytes(32).toString('base64url'),
    LATCHKEY_SEED_DEMO: 'false',
    LATCHKEY_SMTP_URL: options.smtpUrl,
    LATCHKEY_ARGON2_MEMORY_KIB: String(SERVER_ARGON2.memoryCost),
    LATCHKEY_ARGON2_TIME_COST: String(SERVER_ARGON2.timeCost),
    LATCHKEY_ARGON2_PARALLELISM: String(SERVER_ARGON2.parallelism),
    LOG_LEVEL: options.logLevel,
  };
  const cleanUpData = async () => {
    await database.drop().catch((error: unknown) => log(`  could not drop the bench database: ${String(error)}`));
    rmSync(dataDir, { recursive: true, force: true });
  };

  let server: ServerHandle | undefined;
  try {
    server = await spawnServer(env, port, options.fromSource);
    const firstStartMs = server.readyMs;
    const parts = (h: ServerHandle) => `modules loaded at ${ms(h.boot.loadedMs)}, startLatchkey took ${ms(h.boot.startedMs - h.boot.loadedMs)}`;
    log(`  first start (migrations): ${ms(firstStartMs)} (${parts(server)})`);
    const restartMs: number[] = [];
    for (let i = 0; i < options.restarts; i++) {
      await server.stop();
      server = await spawnServer(env, port, options.fromSource);
      restartMs.push(server.readyMs);
      log(`  restart ${i + 1}: ${ms(server.readyMs)} (${parts(server)})`);
    }
    const running = server;
    return {
      firstStartMs,
      restartMs,
      medianRestartMs: median(restartMs),
      server: running,
      async cleanUp() {
        await running.stop();
        await cleanUpData();
      },
    };
  } catch (error) {
    await server?.stop();
    await cleanUpData();
    throw error;
  }
}
