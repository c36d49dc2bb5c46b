import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import type { RouteAccess } from '../../../src/admin/access.ts';
import { hashApiKey } from '../../../src/core/admin/api-key.ts';
import { type AdminCall, adminCaller, bearerCaller } from '../../fixtures/admin.ts';
import { type TestServer, dialects } from '../../fixtures/server.ts';
import { suiteServer } from './support.ts';

/**
 * The authorisation matrix (checklist H1, H2, H3, H8): every route the admin API registered (read
 * from its OpenAPI document, where no route may hide) × every kind of caller × its own tenant, a
 * foreign tenant and a missing one. The expectations are written out here, independently of the
 * guard's code, from the role definitions.
 */
interface Route {
  method: string;
  path: string;
  access: RouteAccess;
  hasBody: boolean;
}

type Expected = 'allow' | 'forbidden' | 'not_found';
type CallerName = 'global_admin' | 'tenant_admin_of_a' | 'tenant_admin_of_b' | 'auditor' | 'auditor_of_a' | 'no_role';

/** What each caller may do, by the issue: global admins everything; tenant admins their tenants; auditors read; no role nothing. */
function expected(caller: CallerName, access: RouteAccess, target: 'a' | 'b' | 'missing'): Expected {
  if (caller === 'global_admin') return access.scope === 'tenant' && target === 'missing' ? 'not_found' : 'allow';
  if (caller === 'no_role') return access.scope === 'global' ? 'forbidden' : 'not_found';
  if (access.scope === 'global') return access.write ? 'forbidden' : 'allow';
  const covered = caller === 'auditor' ? target !== 'missing' : caller === 'tenant_admin_of_b' ? target === 'b' : target === 'a';
  if (!covered) return 'not_found';
  if (!access.write) return 'allow';
  return caller.startsWith('tenant_admin') ? 'allow' : 'forbidden';
}

const CALLERS: CallerName[] = ['no_role', 'auditor', 'auditor_of_a', 'tenant_admin_of_b', 'tenant_admin_of_a', 'global_admin'];

async function adminRoutes(server: TestServer): Promise<Route[]> {
  const spec = (await bearerCaller(server, undefined)('GET', '/admin/openapi.json')).body as {
    paths: Record<string, Record<string, { 'x-latchkey-access'?: RouteAccess; requestBody?: unknown }>>;
  };
  return Object.entries(spec.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => {
      assert.ok(op['x-latchkey-access'], `${method} ${path} documents no access rule`);
      return { method: method.toUpperCase(), path, access: op['x-latchkey-access'], hasBody: op.requestBody !== undefined };
    }),
  );
}

/** Tenants a and b, and one caller of each kind; rebuilt after a call that changed something. */
async function world(server: TestServer) {
  const { services } = server.latchkey;
  const suffix = randomBytes(3).toString('hex');
  const a = await services.tenants.create(`authz-a-${suffix}`);
  const b = await services.tenants.create(`authz-b-${suffix}`);
  // A key with no role at all cannot be made through the service (it refuses); the store can.
  const noRoleSecret = `lk_${randomBytes(8).toString('hex')}_${randomBytes(32).toString('base64url')}`;
  await services.deps.store.apiKeys.insert({
    id: noRoleSecret.slice(3, 19),
    name: 'no role',
    prefix: noRoleSecret.slice(0, 19),
    secretHash: hashApiKey(noRoleSecret),
    grants: [],
    createdAt: Date.now(),
    lastUsedAt: null,
    revokedAt: null,
  });
  const callers: Record<CallerName, AdminCall> = {
    global_admin: await adminCaller(server, { role: 'global_admin' }),
    tenant_admin_of_a: await adminCaller(server, { role: 'tenant_admin', tenants: [a.name] }),
    tenant_admin_of_b: await adminCaller(server, { role: 'tenant_admin', tenants: [b.name] }),
    auditor: await adminCaller(server, { role: 'auditor' }),
    auditor_of_a: await adminCaller(server, { role: 'auditor', tenants: [a.name] }),
    no_role: bearerCaller(server, noRoleSecret),
  };
  return { tenants: { a: a.name, b: b.name, missing: `authz-gone-${suffix}` }, callers };
}

/** The route's path with the target tenant and harmless values (ids that exist nowhere) for the other parameters. */
const concrete = (path: string, tenant: string) => path.replace('{tenant}', tenant).replace(/\{[^}]+\}/g, 'does-not-exist');

const isGuardRefusal = (answer: { status: number; body: { error?: { code?: string } } }) =>
  answer.status === 401 || (answer.status === 403 && answer.body?.error?.code === 'forbidden') || (answer.status === 404 && answer.body?.error?.code === 'tenant_not_found');

for (const dialect of dialects()) {
  describe(`admin API authorisation matrix (${dialect})`, () => {
    const server = suiteServer(dialect);

    it('lists every route with its access rule, the principal routes among them', async () => {
      const routes = await adminRoutes(server());
      const names = routes.map((r) => `${r.method} ${r.path}`);
      for (const name of ['GET /admin/v1/me', 'POST /admin/v1/api-keys', 'DELETE /admin/v1/api-keys/{id}', 'POST /admin/v1/admins']) assert.ok(names.includes(name), name);
    });

    it('H1: refuses every route without a token, with a forged token and with a revoked key (401)', async () => {
      const { services } = server().latchkey;
      const revoked = await services.admin.createApiKey({ name: 'revoked', grants: [{ role: 'global_admin' }] }, 'cli');
      await services.admin.revokeApiKey(revoked.key.id, 'cli');
      const tenant = (await services.tenants.create(`h1-${randomBytes(3).toString('hex')}`)).name;
      for (const route of await adminRoutes(server())) {
        for (const token of [undefined, revoked.secret, randomBytes(32).toString('base64url'), 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.']) {
          const answer = await bearerCaller(server(), token)(route.method, concrete(route.path, tenant), route.hasBody ? {} : undefined);
          assert.equal(answer.status, 401, `${route.method} ${route.path} with ${token === undefined ? 'no token' : 'a bad token'}`);
          assert.match(answer.headers.get('www-authenticate') ?? '', /^Bearer /);
        }
      }
    });

    it('H2, H3, H8: every route × every role × own, foreign and missing tenant gets what the role allows', async () => {
      const routes = await adminRoutes(server());
      const failures: string[] = [];
      for (const route of routes) {
        let current = await world(server());
        for (const caller of CALLERS) {
          for (const target of ['a', 'b', 'missing'] as const) {
            const want = expected(caller, route.access, target);
            const path = concrete(route.path, current.tenants[target]);
            const answer = await current.callers[caller](route.method, path, route.hasBody ? {} : undefined);
            const label = `${route.method} ${route.path} as ${caller} on tenant ${target}: want ${want}, got ${answer.status} ${JSON.stringify(answer.body).slice(0, 120)}`;
            if (answer.status >= 500) failures.push(label);
            else if (want === 'allow' && isGuardRefusal(answer)) failures.push(label);
            else if (want === 'forbidden' && !(answer.status === 403 && answer.body.error?.code === 'forbidden')) failures.push(label);
            else if (want === 'not_found' && !(answer.status === 404 && answer.body.error?.code === 'tenant_not_found')) failures.push(label);
            // A call that went through and changed something (a bodiless write) gets a fresh world.
            if (want === 'allow' && route.access.write && answer.status < 300) current = await world(server());
          }
        }
      }
      assert.deepEqual(failures, []);
    });

    it('refuses before reading the body: a forbidden caller learns nothing from validation', async () => {
      const auditor = await adminCaller(server(), { role: 'auditor' });
      const answer = await auditor('POST', '/admin/v1/api-keys', { bogus: true });
      assert.equal(answer.status, 403);
      assert.equal(answer.body.error.code, 'forbidden');
    });

    it('answers bad input on every route that takes a body with 400 and a message, never 500', async () => {
      const { services } = server().latchkey;
      const tenant = (await services.tenants.create(`badin-${randomBytes(3).toString('hex')}`)).name;
      const global = await adminCaller(server(), { role: 'global_admin' });
      for (const route of (await adminRoutes(server())).filter((r) => r.hasBody)) {
        const path = concrete(route.path, tenant);
        for (const body of ['{', '[]', '"text"', 'null', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}', `{"a":"\uFFFF${'x'.repeat(70_000)}"}`]) {
          const answer = await global(route.method, path, body);
          const label = `${route.method} ${route.path} with ${body.slice(0, 30)}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 160)}`;
          assert.ok(answer.status === 400 || answer.status === 413, label);
          assert.equal(typeof answer.body.error?.message, 'string', label);
        }
        const wrongType = await global(route.method, path, 'name=x', { 'content-type': 'application/x-www-form-urlencoded' });
        assert.equal(wrongType.status, 415, `${route.method} ${route.path} with a form body`);
      }
    });
  });
}
