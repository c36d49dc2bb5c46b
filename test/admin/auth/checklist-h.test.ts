import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { DomainError } from '../../../src/core/errors.ts';
import { adminCaller, bearerCaller } from '../../fixtures/admin.ts';
import { Journey } from '../../fixtures/journey.ts';
import { dialects, startTestServer } from '../../fixtures/server.ts';
import { clockTravel, signInForTokens, silentSignIn } from '../../http/checklist/support.ts';
import { adminDirectory, signInToAdminDirectory, strongPassword, suiteServer } from './support.ts';

/** Section H of the security checklist (admin authorisation), for the admin API's authentication and guard. */
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const email = () => `admin-${randomBytes(4).toString('hex')}@example.com`;
const failsWith = (code: string) => (error: unknown) => error instanceof DomainError && error.code === code;

for (const dialect of dialects()) {
  describe(`checklist H: admin authorisation (${dialect})`, () => {
    const server = suiteServer(dialect);

    it('H2: a tenant administrator of one tenant gets 404 for another, exactly as for a tenant that does not exist', async () => {
      const { services } = server().latchkey;
      const suffix = randomBytes(3).toString('hex');
      const contoso = (await services.tenants.create(`contoso-${suffix}`)).name;
      const fabrikam = (await services.tenants.create(`fabrikam-${suffix}`)).name;
      const admin = await adminCaller(server(), { role: 'tenant_admin', tenants: [contoso] });
      const own = await admin('GET', `/admin/v1/tenants/${contoso}/my-access`);
      assert.deepEqual([own.status, own.body], [200, { tenant: contoso, read: true, write: true }]);
      const foreign = await admin('GET', `/admin/v1/tenants/${fabrikam}/my-access`);
      const missing = await admin('GET', `/admin/v1/tenants/nothing-${suffix}/my-access`);
      assert.equal(foreign.status, 404);
      assert.deepEqual(foreign.body, missing.body);
      const auditor = await adminCaller(server(), { role: 'auditor', tenants: [fabrikam] });
      assert.deepEqual((await auditor('GET', `/admin/v1/tenants/${fabrikam}/my-access`)).body, { tenant: fabrikam, read: true, write: false });
    });

    it("H2, H4, H5: one address in two tenants is two accounts; one tenant's administrator finds, reads and changes only its own", async () => {
      const { services } = server().latchkey;
      const suffix = randomBytes(3).toString('hex');
      const shared = `shared-${suffix}@example.com`;
      const [t1, t2] = [await services.tenants.create(`one-${suffix}`), await services.tenants.create(`two-${suffix}`)];
      const u1 = await services.users.create({ tenantId: t1.id, email: shared, password: 'first tenant password 1' });
      const u2 = await services.users.create({ tenantId: t2.id, email: shared, password: 'second tenant password 2' });
      assert.notEqual(u1.id, u2.id);
      assert.equal((await services.passwordAuthenticator.check(t2.id, shared, 'first tenant password 1')).ok, false, "T1's password fails at T2");
      assert.equal((await services.passwordAuthenticator.check(t1.id, shared, 'first tenant password 1')).ok, true);
      const admin = await adminCaller(server(), { role: 'tenant_admin', tenants: [t1.name] });
      const listed = await admin('GET', `/admin/v1/tenants/${t1.name}/users?emailPrefix=${encodeURIComponent(`shared-${suffix}`)}`);
      assert.deepEqual(listed.body.items.map((u: { id: string }) => u.id), [u1.id], 'the search finds only its own tenant\'s account');
      // T2's user through T1's path: as unknown as any id.
      const foreignUser = await admin('GET', `/admin/v1/tenants/${t1.name}/users/${u2.id}`);
      const missingUser = await admin('GET', `/admin/v1/tenants/${t1.name}/users/no-such-user`);
      assert.deepEqual([foreignUser.status, foreignUser.body], [404, missingUser.body]);
      const change = await admin('PATCH', `/admin/v1/tenants/${t1.name}/users/${u2.id}`, { displayName: 'Taken over' }, { 'if-match': '*' });
      const remove = await admin('DELETE', `/admin/v1/tenants/${t1.name}/users/${u2.id}`, undefined, { 'if-match': '*' });
      assert.deepEqual([change.status, remove.status], [404, 404]);
      const after = await services.users.get(t2.id, u2.id);
      assert.equal(after?.displayName, u2.displayName, "T2's user is unchanged");
    });

    it('H8: an auditor and a tenant administrator cannot create administrators or API keys (403)', async () => {
      const tenant = (await server().latchkey.services.tenants.create(`h8-${randomBytes(3).toString('hex')}`)).name;
      for (const grant of [{ role: 'auditor' as const }, { role: 'tenant_admin' as const, tenants: [tenant] }]) {
        const call = await adminCaller(server(), grant);
        const address = email();
        const admin = await call('POST', '/admin/v1/admins', { email: address, roles: [{ role: 'global_admin' }] });
        const key = await call('POST', '/admin/v1/api-keys', { name: 'escalate', roles: [{ role: 'global_admin' }] });
        const revoke = await call('DELETE', '/admin/v1/api-keys/0000000000000000');
        for (const answer of [admin, key, revoke]) {
          assert.equal(answer.status, 403, grant.role);
          assert.equal(answer.body.error.code, 'forbidden');
        }
        await assert.rejects(server().latchkey.services.admin.findAdmin(address), failsWith('user_not_found'));
      }
    });

    it('H8: nobody can be made administrator of the admin directory itself, and no customer tenant may be called "admin"', async () => {
      const { services } = server().latchkey;
      await assert.rejects(services.admin.createApiKey({ name: 'x', grants: [{ role: 'tenant_admin', tenants: ['admin'] }] }, 'cli'), failsWith('tenant_not_found'));
      await assert.rejects(services.tenants.create('admin'), failsWith('invalid_tenant_name'));
      const global = await adminCaller(server(), { role: 'global_admin' });
      const answer = await global('POST', '/admin/v1/api-keys', { name: 'x', roles: [{ role: 'tenant_admin', tenants: ['admin'] }] });
      assert.equal(answer.status, 404);
    });

    it('H6: fields a caller may not set (id, roles of another shape, hashes) are refused, naming the field', async () => {
      const global = await adminCaller(server(), { role: 'global_admin' });
      const address = email();
      for (const [field, value] of [['id', 'chosen-id'], ['passwordHash', 'x'], ['emailVerified', false], ['createdAt', 0]] as const) {
        const answer = await global('POST', '/admin/v1/admins', { email: address, roles: [{ role: 'auditor' }], [field]: value });
        assert.equal(answer.status, 400, field);
        assert.match(answer.body.error.message, new RegExp(`body/${field} is not a known field`));
      }
      const admins = (await global('GET', '/admin/v1/admins')).body as Array<{ email: string }>;
      assert.ok(!admins.some((a) => a.email === address), 'no refused request created the administrator');
      const answer = await global('POST', '/admin/v1/admins', { email: address, roles: [{ role: 'auditor' }] });
      assert.equal(answer.status, 201);
      assert.deepEqual(answer.body.roles, [{ role: 'auditor', tenants: 'all' }]);
      const bogusRole = await global('POST', '/admin/v1/api-keys', { name: 'x', roles: [{ role: 'superadmin' }] });
      assert.equal(bogusRole.status, 400);
      assert.match(bogusRole.body.error.message, /roles\/0\/role/);
    });

    it('H7: no secret field in any answer: no key hash, no password hash, the key secret only once', async () => {
      const global = await adminCaller(server(), { role: 'global_admin' });
      const created = await global('POST', '/admin/v1/api-keys', { name: 'once', roles: [{ role: 'auditor' }] });
      assert.equal(created.status, 201);
      assert.match(created.body.secret, /^lk_/);
      await global('POST', '/admin/v1/admins', { email: email(), password: strongPassword(), roles: [{ role: 'auditor' }] });
      for (const path of ['/admin/v1/api-keys', '/admin/v1/admins', '/admin/v1/me']) {
        const text = JSON.stringify((await global('GET', path)).body);
        assert.ok(!text.includes(created.body.secret), path);
        assert.doesNotMatch(text, /hash|password|secret/i, path);
      }
    });

    it('H10: a demoted administrator loses the role on the next call, with the same access token', async () => {
      const { services } = server().latchkey;
      const password = strongPassword();
      const { admin } = await services.admin.createAdmin({ email: email(), password, grants: [{ role: 'global_admin' }, { role: 'auditor' }] }, 'cli');
      const { accessToken } = await signInToAdminDirectory(server(), admin.email, password);
      const call = bearerCaller(server(), accessToken);
      assert.equal((await call('POST', '/admin/v1/api-keys', { name: 'before', roles: [{ role: 'auditor' }] })).status, 201);
      await services.admin.revoke(admin.id, { role: 'global_admin' }, 'cli');
      const after = await call('POST', '/admin/v1/api-keys', { name: 'after', roles: [{ role: 'auditor' }] });
      assert.equal(after.status, 403);
      assert.equal((await call('GET', '/admin/v1/me')).body.roles.length, 1);
    });

    it('H11: admin changes and refused calls are in the audit log with actor, target, time and source IP', async () => {
      const { services } = server().latchkey;
      const directory = await services.admin.directory();
      const global = await adminCaller(server(), { role: 'global_admin' });
      const auditor = await adminCaller(server(), { role: 'auditor' });
      const created = await global('POST', '/admin/v1/api-keys', { name: 'audited', roles: [{ role: 'auditor' }] });
      await global('DELETE', `/admin/v1/api-keys/${created.body.id}`);
      await auditor('POST', '/admin/v1/admins', { email: email(), roles: [{ role: 'global_admin' }] });
      const log = await services.deps.store.auditLog.list(directory.id, 200);
      const made = log.find((e) => e.action === 'api_key.created' && e.target === created.body.id);
      const revoked = log.find((e) => e.action === 'api_key.revoked' && e.target === created.body.id);
      const denied = log.find((e) => e.action === 'admin_api.denied' && e.details.route === '/admin/v1/admins');
      for (const event of [made, revoked, denied]) {
        assert.ok(event, 'logged');
        assert.match(event.actor, /^api_key:[0-9a-f]{16}$/);
        assert.equal(event.details.ip, '127.0.0.1');
        assert.ok(Math.abs(event.at - Date.now()) < 60_000);
      }
      assert.equal(denied?.details.decision, 'forbidden');
      assert.equal(denied?.details.method, 'POST');
    });

    it("H12: an administrator's session ends after 1 hour idle and 12 hours at most, where a customer's lasts 24 hours idle", async (t) => {
      const { services } = server().latchkey;
      const password = strongPassword();
      const { admin } = await services.admin.createAdmin({ email: email(), password, grants: [{ role: 'auditor' }] }, 'cli');
      const directory = await adminDirectory(server());
      const clock = clockTravel(t);
      const idle = await signInForTokens(server(), directory, admin.email, password);
      clock.advance(50 * MINUTE);
      assert.ok((await silentSignIn(server(), directory, idle.browser)).code, 'alive after 50 minutes idle');
      clock.advance(61 * MINUTE);
      assert.equal((await silentSignIn(server(), directory, idle.browser)).error, 'login_required', 'ended after an idle hour');
      const active = await signInForTokens(server(), directory, admin.email, password);
      let alive = true;
      let elapsed = 0;
      for (; alive && elapsed <= 13 * HOUR; elapsed += 50 * MINUTE) {
        clock.advance(50 * MINUTE);
        alive = (await silentSignIn(server(), directory, active.browser)).code !== null;
      }
      assert.equal(alive, false, 'still signed in after 13 hours of activity');
      assert.ok(elapsed > 11 * HOUR, `ended after ${elapsed / HOUR} hours, before the 12 hours`);
    });

    it('H12: the admin directory signs in through the hosted pages but offers no self sign-up', async () => {
      const { journey, page } = await Journey.begin(server(), await adminDirectory(server()), 'openid');
      assert.equal(page.status, 200);
      assert.ok(!page.actions.some((a) => a.endsWith('/sign-up')));
      assert.doesNotMatch(page.html, /sign-up/);
      const wrong = await journey.submit(await journey.submit(page, '/email', { email: 'nobody@example.com' }), '/password', { password: 'admin' });
      assert.ok(!journey.reachedApp(wrong));
    });
  });

  describe(`checklist H9: no default accounts (${dialect})`, () => {
    it('a fresh install has no administrator and no API key, and admin/admin or root gets nothing', async (t) => {
      const server = await startTestServer({ dialect });
      t.after(() => server.close());
      const { services } = server.latchkey;
      assert.deepEqual(await services.admin.listAdmins(), []);
      assert.deepEqual(await services.admin.listApiKeys(), []);
      for (const [user, password] of [['admin@example.com', 'admin'], ['root@example.com', 'root'], ['admin@localhost', 'password']] as const) {
        await assert.rejects(signInToAdminDirectory(server, user, password), `${user} signed in`);
      }
      for (const token of ['admin', 'root', 'lk_0000000000000000_0000000000000000000000000000000000000000000']) {
        assert.equal((await bearerCaller(server, token)('GET', '/admin/v1/me')).status, 401);
      }
    });

    it('an administrator created without a password cannot sign in with any password until they set one', async (t) => {
      const server = await startTestServer({ dialect });
      t.after(() => server.close());
      const { admin } = await server.latchkey.services.admin.createAdmin({ email: email(), grants: [{ role: 'global_admin' }] }, 'cli');
      for (const password of ['', 'admin', 'password']) await assert.rejects(signInToAdminDirectory(server, admin.email, password));
    });

    it('the development seed makes a demo administrator with a random password, different on every install', async (t) => {
      const first = await startTestServer({ dialect, seedDemo: true });
      t.after(() => first.close());
      const second = await startTestServer({ dialect, seedDemo: true });
      t.after(() => second.close());
      const a = first.latchkey.seed.demoAdmin;
      const b = second.latchkey.seed.demoAdmin;
      assert.ok(a && b);
      assert.notEqual(a.password, b.password);
      assert.ok(a.password.length >= 16);
      const { accessToken } = await signInToAdminDirectory(first, a.email, a.password);
      assert.equal((await bearerCaller(first, accessToken)('GET', '/admin/v1/me')).body.roles[0].role, 'global_admin');
    });
  });
}
