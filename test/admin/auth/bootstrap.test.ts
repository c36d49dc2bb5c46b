import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bearerCaller } from '../../fixtures/admin.ts';
import { Journey, codeIn, nthMail } from '../../fixtures/journey.ts';
import { type TestServer, dialects, startTestServer } from '../../fixtures/server.ts';
import { startTestMailbox } from '../../fixtures/smtp.ts';
import { adminDirectory, signInToAdminDirectory, strongPassword } from './support.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Runs `latchkey <args> --json` against the server's database and configuration; returns the parsed stdout. */
function latchkey<T>(server: TestServer, args: readonly string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args, '--json'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...server.env }, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`latchkey ${args.join(' ')} failed: ${stderr}`));
      else resolve(JSON.parse(stdout) as T);
    });
  });
}

for (const dialect of dialects()) {
  describe(`bootstrapping the first administrator (${dialect})`, () => {
    it('latchkey admin create prints a sign-in link; "Forgot password?" there sets the password, which then signs in', async (t) => {
      const mailbox = await startTestMailbox();
      const server = await startTestServer({ dialect, env: { LATCHKEY_SMTP_URL: mailbox.url } });
      t.after(async () => {
        await server.close();
        await mailbox.stop();
      });
      const email = 'first.admin@example.com';
      const created = await latchkey<{ id: string; hasPassword: boolean; setupUrl: string; roles: unknown }>(server, ['admin', 'create', '--email', email]);
      assert.equal(created.hasPassword, false);
      assert.deepEqual(created.roles, [{ role: 'global_admin', tenants: 'all' }]);
      assert.ok(created.setupUrl.startsWith(`${server.baseUrl}/admin/oauth2/v2.0/authorize?`));

      const { journey } = await Journey.begin(server, await adminDirectory(server), 'openid');
      const emailPage = await journey.open(created.setupUrl);
      assert.equal(emailPage.status, 200);
      const passwordPage = await journey.submit(emailPage, '/email', { email });
      const codePage = await journey.submit(passwordPage, '/forgot');
      const newPasswordPage = await journey.submit(codePage, '/reset/code', { code: codeIn(await nthMail(mailbox, email, 0)) });
      const password = strongPassword();
      const landed = await journey.submit(newPasswordPage, '/reset/password', { password, confirm: password });
      assert.ok(landed.url.startsWith(`${server.baseUrl}/admin/console/callback?code=`), landed.url);

      const { accessToken } = await signInToAdminDirectory(server, email, password);
      const me = await bearerCaller(server, accessToken)('GET', '/admin/v1/me');
      assert.deepEqual([me.status, me.body.id, me.body.roles], [200, created.id, [{ role: 'global_admin', tenants: 'all' }]]);
    });

    it('latchkey admin apikey create prints a working secret once; list never shows it; revoke ends it', async (t) => {
      const server = await startTestServer({ dialect });
      t.after(() => server.close());
      const key = await latchkey<{ id: string; secret: string }>(server, ['admin', 'apikey', 'create', '--name', 'ci', '--role', 'auditor']);
      const call = bearerCaller(server, key.secret);
      assert.equal((await call('GET', '/admin/v1/me')).status, 200);
      const listed = await latchkey<Array<{ id: string }>>(server, ['admin', 'apikey', 'list']);
      assert.deepEqual(
        listed.map((k) => k.id),
        [key.id],
      );
      assert.ok(!JSON.stringify(listed).includes(key.secret.slice(20)));
      await latchkey(server, ['admin', 'apikey', 'revoke', key.id]);
      assert.equal((await call('GET', '/admin/v1/me')).status, 401);
    });
  });
}
