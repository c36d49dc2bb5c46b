import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import pg from 'pg';
import { installation, until } from '../../fixtures/child-server.ts';
import { Journey, codeIn, nthMail } from '../../fixtures/journey.ts';
import { dialects } from '../../fixtures/server.ts';
import { startTestMailbox } from '../../fixtures/smtp.ts';
import { createTestTenant } from '../../fixtures/tenants.ts';
import { EMAIL, requestReset } from './support.ts';

/**
 * B11 (SECURITY-CHECKLIST): a code is stored only as a keyed hash and never logged. Grey-box:
 * once its mail is sent, the code must appear nowhere in the database (the SQLite files as bytes
 * on disk, or every text column of PostgreSQL as pg_dump would print them) nor in the server's
 * logs at the most verbose level. ASVS 16.2.5; NIST 800-63B-4 §4.2.1.1.
 */

/** The SQLite files (database, WAL, shared memory) holding `code`, as raw bytes. */
function sqliteFilesWith(databaseUrl: string, code: string): string[] {
  const dir = dirname(databaseUrl.slice('sqlite:'.length));
  return readdirSync(dir).filter((name) => readFileSync(join(dir, name)).includes(Buffer.from(code, 'utf8')));
}

/** `table.column` of every text-like PostgreSQL column whose value contains `code`. */
async function postgresColumnsWith(databaseUrl: string, code: string): Promise<string[]> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows: columns } = await db.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'bytea')`,
    );
    assert.ok(columns.length > 10, 'found the schema');
    const hits: string[] = [];
    for (const { table_name: table, column_name: column } of columns) {
      const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table}" WHERE position($1 in "${column}"::text) > 0`, [code]);
      if ((rows[0]?.n ?? 0) > 0) hits.push(`${table}.${column}`);
    }
    return hits;
  } finally {
    await db.end();
  }
}

for (const dialect of dialects()) {
  describe(`passcodes at rest and in logs (B11, ${dialect})`, () => {
    it('once the mail is sent, the code is in no database byte and no log line', async (t) => {
      const mailbox = await startTestMailbox();
      t.after(() => mailbox.stop());
      const inst = await installation(t, { dialect, env: { LATCHKEY_SMTP_URL: mailbox.url, LOG_LEVEL: 'trace' } });
      const tt = await createTestTenant(inst.asTestServer);
      const server = await inst.start();
      const { journey, page } = await Journey.begin(inst.asTestServer, tt);
      await requestReset(journey, page, EMAIL);
      const code = codeIn(await nthMail(mailbox, EMAIL, 0));
      await until(async () => (await inst.services.deps.store.outbox.pendingCount()) === 0, 'the mail to be recorded as sent');

      const logs = server.output();
      assert.match(logs, /"msg":"incoming request"/, 'the request logs were captured');
      const found = {
        database: dialect === 'sqlite' ? sqliteFilesWith(inst.databaseUrl, code) : await postgresColumnsWith(inst.databaseUrl, code),
        logs: logs.includes(code),
      };
      assert.deepEqual(found, { database: [], logs: false }, `where the code ${code} was found`);
    });
  });
}
