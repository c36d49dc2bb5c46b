import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

/**
 * Every setting, read once from the environment into a frozen, typed object. No other file reads
 * process.env. Each key documents itself; README "Configuration" lists the same keys.
 */
const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000).describe('TCP port to listen on.'),
  HOST: z.string().default('127.0.0.1').describe('Interface to listen on (0.0.0.0 for all).'),
  LATCHKEY_BASE_URL: z.url({ protocol: /^https?$/ }).optional().describe('Public URL of this server; default http://localhost:$PORT.'),
  LATCHKEY_DATABASE_URL: z
    .string()
    .regex(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, 'must be sqlite:<path> or postgres://…')
    .optional()
    .describe('Database: sqlite:<path> or postgres://user@host/db; default sqlite:$LATCHKEY_DATA_DIR/latchkey.db.'),
  LATCHKEY_REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/.+/, 'must be redis://… or rediss://…')
    .optional()
    .describe('Redis for shared rate-limit and lockout counters; unset = the database (PostgreSQL) or memory (SQLite).'),
  LATCHKEY_SECRET: z.string().min(32, 'must be at least 32 characters').optional().describe('Master key for cookie signing and key encryption; generated into the data dir if unset.'),
  LATCHKEY_DATA_DIR: z.string().default('./data').describe('Where the generated master key (and the default SQLite file) live.'),
  LATCHKEY_SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be smtp:// or smtps://').optional().describe('SMTP server for outgoing mail; unset = dev mailbox.'),
  LATCHKEY_SMTP_FROM: z.string().default('Latchkey <no-reply@localhost>').describe('From address of outgoing mail.'),
  LATCHKEY_ARGON2_MEMORY_KIB: z.coerce.number().int().min(8192).max(1048576).default(19456).describe('Argon2id memory cost (KiB).'),
  LATCHKEY_ARGON2_TIME_COST: z.coerce.number().int().min(1).max(10).default(2).describe('Argon2id iterations.'),
  LATCHKEY_ARGON2_PARALLELISM: z.coerce.number().int().min(1).max(16).default(1).describe('Argon2id lanes.'),
  LATCHKEY_SEED_DEMO: z.enum(['true', 'false']).optional().describe('Seed the demo tenant and app on an empty database (default: true unless NODE_ENV=production).'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('pino log level.'),
  NODE_ENV: z.string().default('development').describe('production turns off development conveniences (demo seed, dev mailbox).'),
});

export type ConfigKey = keyof z.infer<typeof schema>;

export interface Config {
  port: number;
  host: string;
  /** Without a trailing slash. */
  baseUrl: string;
  databaseUrl: string;
  redisUrl: string | undefined;
  /** 32+ bytes of key material. */
  secret: Buffer;
  /** True when the secret was generated just now (start-up warns). */
  secretGenerated: boolean;
  smtpUrl: string | undefined;
  smtpFrom: string;
  argon2: { memoryCost: number; timeCost: number; parallelism: number };
  seedDemo: boolean;
  logLevel: string;
  production: boolean;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Descriptions of every key, for the README and `latchkey --help`. */
export const configDescriptions = Object.fromEntries(Object.entries(schema.shape).map(([key, value]) => [key, value.description ?? '']));

function loadSecret(explicit: string | undefined, dataDir: string): { secret: Buffer; generated: boolean } {
  if (explicit) return { secret: Buffer.from(explicit, 'utf8'), generated: false };
  const file = `${dataDir}/secret.key`;
  if (existsSync(file)) return { secret: Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url'), generated: false };
  mkdirSync(dirname(file), { recursive: true });
  const secret = randomBytes(32);
  writeFileSync(file, secret.toString('base64url'), { mode: 0o600 });
  return { secret, generated: true };
}

/** Parses the environment; throws ConfigError naming each bad key. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  const production = c.NODE_ENV === 'production';
  const { secret, generated } = loadSecret(c.LATCHKEY_SECRET, c.LATCHKEY_DATA_DIR);
  return Object.freeze({
    port: c.PORT,
    host: c.HOST,
    baseUrl: (c.LATCHKEY_BASE_URL ?? `http://localhost:${c.PORT}`).replace(/\/+$/, ''),
    databaseUrl: c.LATCHKEY_DATABASE_URL ?? `sqlite:${c.LATCHKEY_DATA_DIR}/latchkey.db`,
    redisUrl: c.LATCHKEY_REDIS_URL,
    secret,
    secretGenerated: generated,
    smtpUrl: c.LATCHKEY_SMTP_URL,
    smtpFrom: c.LATCHKEY_SMTP_FROM,
    argon2: { memoryCost: c.LATCHKEY_ARGON2_MEMORY_KIB, timeCost: c.LATCHKEY_ARGON2_TIME_COST, parallelism: c.LATCHKEY_ARGON2_PARALLELISM },
    seedDemo: c.LATCHKEY_SEED_DEMO ? c.LATCHKEY_SEED_DEMO === 'true' : !production,
    logLevel: c.LOG_LEVEL,
    production,
  });
}
