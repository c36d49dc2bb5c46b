import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = join(ROOT, 'src/cli/main.ts');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Sandbox {
  /** Environment of this installation (also usable with loadConfig in the test process). */
  env: Record<string, string>;
  /** Runs `latchkey <args>` as a real subprocess, with `stdin` piped in (empty by default). */
  run(args: readonly string[], stdin?: string): Promise<CliRun>;
  /** Runs `latchkey <args> --json`, asserts exit 0 and returns the parsed stdout. */
  json<T>(args: readonly string[], stdin?: string): Promise<T>;
}

/**
 * A fresh, empty Latchkey installation in its own temp dir (database, data dir, secret), removed
 * when the test ends. Nothing is shared between tests, so they may run in any order or at once.
 * `overrides` replaces or adds environment variables (e.g. a bad setting).
 */
export async function sandbox(t: TestContext, overrides: Record<string, string> = {}): Promise<Sandbox> {
  const dir = await mkdtemp(join(tmpdir(), 'latchkey-cli-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    LATCHKEY_DATABASE_URL: `sqlite:${join(dir, 't.db')}`,
    LATCHKEY_SECRET: randomBytes(32).toString('base64url'),
    LATCHKEY_DATA_DIR: dir,
    // The cheapest Argon2 the configuration allows: these tests are about the CLI, not hashing.
    LATCHKEY_ARGON2_MEMORY_KIB: '8192',
    LATCHKEY_ARGON2_TIME_COST: '1',
    ...overrides,
  };

  function run(args: readonly string[], stdin = ''): Promise<CliRun> {
    return new Promise((resolve, reject) => {
      const child = execFile(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, env, timeout: 60_000 }, (error, stdout, stderr) => {
        // A numeric code is the CLI's own exit code; anything else (spawn failure, timeout) is a test failure.
        if (error && typeof error.code !== 'number') reject(new Error(`latchkey ${args.join(' ')} failed to run: ${error.message}\n${stderr}`));
        else resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
      });
      child.stdin?.end(stdin);
    });
  }

  async function json<T>(args: readonly string[], stdin?: string): Promise<T> {
    const result = await run([...args, '--json'], stdin);
    assert.equal(result.code, 0, `latchkey ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
    return JSON.parse(result.stdout) as T;
  }

  return { env, run, json };
}

/** The `{"error":{…}}` document the CLI prints on stderr with --json. */
export function parseJsonError(stderr: string): { code: string; message: string } {
  const parsed = JSON.parse(stderr) as { error?: { code: string; message: string } };
  assert.ok(parsed.error, `no error document in: ${stderr}`);
  return parsed.error;
}

/** Expected failures explain themselves in one or two lines; a stack trace means a bug leaked out. */
export function assertNoStack(stderr: string): void {
  assert.doesNotMatch(stderr, /^\s+at /m, `stack trace printed:\n${stderr}`);
}
