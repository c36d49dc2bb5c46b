import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import type { TenantId } from '../../src/core/ids.ts';
import { createServices } from '../../src/services.ts';
import { assertNoStack, parseJsonError, sandbox } from './cli-sandbox.ts';

interface TenantJson {
  id: string;
  name: string;
  displayName: string;
  createdAt: string;
}
interface AppJson {
  clientId: string;
  type: 'public' | 'confidential';
  redirectUris: string[];
  clientSecret?: string;
}
interface UserJson {
  id: string;
  email: string;
  displayName: string;
  hasPassword?: boolean;
  passwordIsTemporary?: boolean;
}
interface KeyJson {
  kid: string;
  status: 'active' | 'retired';
  createdAt: string;
  expiresAt: string | null;
}

// Every test builds its own installation; they share nothing, so they may run side by side
// (one per CPU: each one is mostly subprocesses starting up and making RSA keys).
describe('latchkey CLI', { concurrency: availableParallelism() }, () => {
  describe('tenant', () => {
    it('creates a tenant and lists it', async (t) => {
      const cli = await sandbox(t);
      const created = await cli.json<TenantJson>(['tenant', 'create', 'acme', '--display-name', 'Acme Corp']);
      assert.equal(created.name, 'acme');
      assert.equal(created.displayName, 'Acme Corp');

      const listed = await cli.json<TenantJson[]>(['tenant', 'list']);
      assert.deepEqual(listed, [created]);
      assert.ok(!Number.isNaN(Date.parse(created.createdAt)), 'createdAt is an ISO date');
    });

    it('refuses a second tenant with the same name: exit 1, code tenant_exists', async (t) => {
      const cli = await sandbox(t);
      await cli.json(['tenant', 'create', 'acme']);

      const asJson = await cli.run(['tenant', 'create', 'acme', '--json']);
      assert.equal(asJson.code, 1);
      assert.equal(asJson.stdout, '');
      assert.equal(parseJsonError(asJson.stderr).code, 'tenant_exists');

      const forPeople = await cli.run(['tenant', 'create', 'acme']);
      assert.equal(forPeople.code, 1);
      assert.match(forPeople.stderr, /^error tenant_exists: /);
      assertNoStack(forPeople.stderr);
    });

    it('refuses an invalid tenant name with invalid_tenant_name', async (t) => {
      const cli = await sandbox(t);
      for (const name of ['Acme', 'a', '1acme', 'admin']) {
        const result = await cli.run(['tenant', 'create', name, '--json']);
        assert.equal(result.code, 1, name);
        assert.equal(parseJsonError(result.stderr).code, 'invalid_tenant_name', name);
      }
      assert.deepEqual(await cli.json(['tenant', 'list']), []);
    });
  });

  describe('app', () => {
    it('registers a public app by default: a client_id and no secret', async (t) => {
      const cli = await sandbox(t);
      await cli.json(['tenant', 'create', 'acme']);
      const args = ['app', 'create', '--tenant', 'acme', '--name', 'SPA'];
      const uris = ['--redirect-uri', 'https://spa.example.com/cb', '--redirect-uri', 'http://localhost:5173/cb'];
      const app = await cli.json<AppJson>([...args, ...uris]);
      assert.equal(app.type, 'public');
      assert.ok(app.clientId.length >= 16);
      assert.deepEqual(app.redirectUris, ['https://spa.example.com/cb', 'http://localhost:5173/cb']);
      assert.equal(app.clientSecret, undefined);

      const human = await cli.run([...args, ...uris]);
      assert.equal(human.code, 0, human.stderr);
      assert.match(human.stdout, /client_id: +\S+/);
      assert.doesNotMatch(human.stdout, /client_secret/);
    });

    it("prints a confidential app's secret once and never lists it", async (t) => {
      const cli = await sandbox(t);
      await cli.json(['tenant', 'create', 'acme']);
      const args = ['app', 'create', '--tenant', 'acme', '--name', 'Backend', '--confidential', '--redirect-uri', 'https://api.example.com/cb'];

      const human = await cli.run(args);
      assert.equal(human.code, 0, human.stderr);
      const secret = /client_secret: +(\S+)/.exec(human.stdout)?.[1];
      assert.ok(secret && secret.length >= 40, `no client_secret in:\n${human.stdout}`);
      assert.match(human.stdout, /will not be shown again/);

      const viaJson = await cli.json<AppJson>(args);
      assert.equal(viaJson.type, 'confidential');
      assert.ok(viaJson.clientSecret);

      const list = await cli.run(['app', 'list', '--tenant', 'acme', '--json']);
      const humanList = await cli.run(['app', 'list', '--tenant', 'acme']);
      for (const output of [list.stdout, humanList.stdout]) {
        assert.ok(!output.includes(secret) && !output.includes(viaJson.clientSecret), 'a secret was listed');
        assert.doesNotMatch(output, /secret/i);
      }
      assert.equal((JSON.parse(list.stdout) as AppJson[]).length, 2);
    });

    it('refuses an http redirect URI that is not on localhost', async (t) => {
      const cli = await sandbox(t);
      await cli.json(['tenant', 'create', 'acme']);
      const result = await cli.run(['app', 'create', '--tenant', 'acme', '--name', 'X', '--redirect-uri', 'http://app.example.com/cb', '--json']);
      assert.equal(result.code, 1);
      assert.equal(parseJsonError(result.stderr).code, 'invalid_redirect_uri');
      assert.deepEqual(await cli.json(['app', 'list', '--tenant', 'acme']), []);
    });

    it('refuses --public together with --confidential as bad usage (exit 2)', async (t) => {
      const cli = await sandbox(t);
      const result = await cli.run([
        'app',
        'create',
        '--tenant',
        'acme',
        '--name',
        'X',
        '--redirect-uri',
        'https://a.example/cb',
        '--public',
        '--confidential',
      ]);
      assert.equal(result.code, 2);
      assert.match(result.stderr, /exclude each other/);
    });
  });

  describe('user', () => {
    it('creates a user with the password from stdin and lists users without any hash', async (t) => {
      const cli = await sandbox(t);
      const tenant = await cli.json<TenantJson>(['tenant', 'create', 'acme']);
      const password = 'correct horse battery staple';
      const user = await cli.json<UserJson>(
        ['user', 'create', '--tenant', 'acme', '--email', 'Ada@Example.com', '--display-name', 'Ada', '--password-stdin'],
        `${password}\n`,
      );
      assert.equal(user.email, 'Ada@Example.com');
      assert.equal(user.hasPassword, true);

      const listed = await cli.run(['user', 'list', '--tenant', 'acme', '--json']);
      assert.equal(listed.code, 0, listed.stderr);
      assert.deepEqual(
        (JSON.parse(listed.stdout) as UserJson[]).map((u) => [u.id, u.email, u.displayName]),
        [[user.id, 'Ada@Example.com', 'Ada']],
      );
      const human = await cli.run(['user', 'list', '--tenant', 'acme']);
      for (const output of [listed.stdout, human.stdout]) {
        assert.doesNotMatch(output, /argon2|hash|password/i);
        assert.ok(!output.includes(password));
      }

      // The stored password is exactly what was piped in, minus the newline `echo` adds.
      const services = await createServices(loadConfig(cli.env));
      t.after(() => services.close());
      const check = await services.passwordAuthenticator.check(tenant.id as TenantId, 'ada@example.com', password);
      assert.equal(check.ok, true);
      // C19: an operator chose it, so it is temporary, and the audit log names the operator.
      assert.equal(check.ok && check.mustChange, true, 'the first sign-in must ask for a new password');
      assert.equal(user.passwordIsTemporary, true);
      const audit = await services.deps.store.auditLog.list(tenant.id as TenantId, 10);
      assert.deepEqual(
        audit.map((e) => [e.actor, e.action, e.target]),
        [['cli', 'user.created', user.id]],
      );
    });

    it('treats empty stdin for --password-stdin as bad usage', async (t) => {
      const cli = await sandbox(t);
      await cli.json(['tenant', 'create', 'acme']);
      const result = await cli.run(['user', 'create', '--tenant', 'acme', '--email', 'a@example.com', '--password-stdin'], '');
      assert.equal(result.code, 2);
      assert.match(result.stderr, /password-stdin/);
      assert.deepEqual(await cli.json(['user', 'list', '--tenant', 'acme']), []);
    });

    it('pages through users with --limit and --after', async (t) => {
      const cli = await sandbox(t);
      await cli.json(['tenant', 'create', 'acme']);
      for (const email of ['c@example.com', 'a@example.com', 'b@example.com']) {
        await cli.json(['user', 'create', '--tenant', 'acme', '--email', email]);
      }
      const first = await cli.json<UserJson[]>(['user', 'list', '--tenant', 'acme', '--limit', '2']);
      assert.deepEqual(
        first.map((u) => u.email),
        ['a@example.com', 'b@example.com'],
      );
      const next = await cli.json<UserJson[]>(['user', 'list', '--tenant', 'acme', '--limit', '2', '--after', 'b@example.com']);
      assert.deepEqual(
        next.map((u) => u.email),
        ['c@example.com'],
      );
      assert.equal((await cli.run(['user', 'list', '--tenant', 'acme', '--limit', '0'])).code, 2);
    });
  });

  describe('keys', () => {
    it('rotate makes a new active key; the old one stays listed as retired with an expiry', async (t) => {
      const cli = await sandbox(t);
      await cli.json(['tenant', 'create', 'acme']);
      const [original] = await cli.json<KeyJson[]>(['keys', 'list', '--tenant', 'acme']);
      assert.ok(original);
      assert.equal(original.status, 'active');
      assert.equal(original.expiresAt, null);

      const rotated = await cli.json<KeyJson>(['keys', 'rotate', '--tenant', 'acme']);
      assert.notEqual(rotated.kid, original.kid);
      assert.equal(rotated.status, 'active');

      const keys = await cli.json<KeyJson[]>(['keys', 'list', '--tenant', 'acme']);
      assert.deepEqual(
        keys.map((k) => [k.kid, k.status]),
        [
          [rotated.kid, 'active'],
          [original.kid, 'retired'],
        ],
      );
      const retired = keys[1];
      assert.ok(retired?.expiresAt);
      assert.ok(Date.parse(retired.expiresAt) > Date.parse(rotated.createdAt), 'the retired key outlives the rotation');
    });

    it('names the missing tenant error: tenant_not_found, exit 1', async (t) => {
      const cli = await sandbox(t);
      const result = await cli.run(['keys', 'rotate', '--tenant', 'nope']);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /^error tenant_not_found: /);
      assertNoStack(result.stderr);
    });
  });

  describe('usage and configuration errors', () => {
    it('an unknown command exits 2 with a message on stderr', async (t) => {
      const cli = await sandbox(t);
      const result = await cli.run(['frobnicate']);
      assert.equal(result.code, 2);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, /unknown command "frobnicate"/);
      assertNoStack(result.stderr);
    });

    it('bad flags and missing arguments exit 2 and point at the command help', async (t) => {
      const cli = await sandbox(t);
      for (const args of [['tenant', 'list', '--bogus'], ['tenant', 'create'], ['app', 'list'], ['tenant'], ['tenant', 'frob']]) {
        const result = await cli.run(args);
        assert.equal(result.code, 2, args.join(' '));
        assert.match(result.stderr, /^error usage: /, args.join(' '));
        assertNoStack(result.stderr);
      }
    });

    it('--help prints usage on stdout and exits 0, for the CLI and for one command', async (t) => {
      const cli = await sandbox(t);
      const main = await cli.run(['--help']);
      assert.equal(main.code, 0);
      assert.match(main.stdout, /tenant create/);
      assert.match(main.stdout, /LATCHKEY_DATABASE_URL/);
      for (const args of [
        ['app', 'create', '--help'],
        ['help', 'app', 'create'],
      ]) {
        const one = await cli.run(args);
        assert.equal(one.code, 0);
        assert.match(one.stdout, /^Usage: latchkey app create --tenant TENANT/);
      }
    });

    it('invalid configuration exits 2 with the offending key', async (t) => {
      const cli = await sandbox(t, { LATCHKEY_SECRET: 'too-short' });
      const bad = await cli.run(['tenant', 'list']);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /LATCHKEY_SECRET/);
      assertNoStack(bad.stderr);
    });
  });
});
