import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { requireAccessDeclarations } from '../../../src/admin/admin-api.ts';
import { adminCaller, bearerCaller } from '../../fixtures/admin.ts';
import { dialects } from '../../fixtures/server.ts';
import { suiteServer } from './support.ts';

describe('admin route declarations', () => {
  const registering = (route: (app: ReturnType<typeof Fastify>) => void) => async () => {
    const app = Fastify();
    await app.register(async (v1) => {
      requireAccessDeclarations(v1);
      route(v1);
    });
    await app.ready();
  };

  it('refuse, at start-up, a route that declares no access rule', async () => {
    await assert.rejects(registering((app) => app.get('/forgotten', async () => 'open')), /declares no config.access/);
  });

  it('refuse a tenant-scoped route without :tenant, a global route with one, and a hidden route', async () => {
    await assert.rejects(registering((app) => app.get('/users', { config: { access: { scope: 'tenant', write: false } } }, async () => [])), /no \/tenants\/:tenant/);
    await assert.rejects(registering((app) => app.get('/tenants/:tenant', { config: { access: { scope: 'global', write: false } } }, async () => [])), /declares global scope/);
    await assert.rejects(registering((app) => app.get('/secret', { config: { access: { scope: 'global', write: false } }, schema: { hide: true } }, async () => [])), /may not be hidden/);
  });

  it('accept a route that declares its access', async () => {
    await registering((app) => app.get('/tenants/:tenant/users', { config: { access: { scope: 'tenant', write: false } } }, async () => []))();
  });
});

for (const dialect of dialects()) {
  describe(`admin API transport rules (${dialect})`, () => {
    const server = suiteServer(dialect);

    it('marks every answer no-store, errors included', async () => {
      const global = await adminCaller(server(), { role: 'global_admin' });
      for (const answer of [await global('GET', '/admin/v1/me'), await bearerCaller(server(), undefined)('GET', '/admin/v1/me'), await global('POST', '/admin/v1/api-keys', '{')]) {
        assert.equal(answer.headers.get('cache-control'), 'no-store');
      }
    });

    /** Found by the admin API fuzzer: a browser's Accept got HTML error pages, and unknown paths lacked no-store. */
    it('answers JSON with no-store to browsers too, and for paths and methods it does not have', async () => {
      const global = await adminCaller(server(), { role: 'global_admin' });
      const html = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };
      const answers = [
        await global('GET', '/admin/v1/tenants/no-such-tenant', undefined, html),
        await global('POST', '/admin/v1/api-keys', '{', html),
        await bearerCaller(server(), undefined)('GET', '/admin/v1/me', undefined, html),
        await global('GET', '/admin/v1/no-such-thing', undefined, html),
        await global('DELETE', '/admin/v1/me'),
        await bearerCaller(server(), undefined)('PATCH', '/admin/v1/tenants'),
      ];
      assert.deepEqual(
        answers.map((a) => a.status),
        [404, 400, 401, 404, 404, 404],
      );
      for (const answer of answers) {
        assert.match(answer.headers.get('content-type') ?? '', /^application\/json/);
        assert.equal(answer.headers.get('cache-control'), 'no-store');
        assert.ok(answer.body.error.code);
      }
    });

    it('takes JSON only, strictly: bad UTF-8 and oversized bodies are refused', async () => {
      const global = await adminCaller(server(), { role: 'global_admin' });
      const badUtf8 = await fetch(new URL('/admin/v1/api-keys', server().baseUrl), {
        method: 'POST',
        headers: { authorization: (await keyHeader(server)).value, 'content-type': 'application/json' },
        body: Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]),
      });
      assert.equal(badUtf8.status, 400);
      assert.equal((await global('POST', '/admin/v1/api-keys', { name: 'x'.repeat(70 * 1024), roles: [] })).status, 413);
      assert.equal((await global('POST', '/admin/v1/api-keys', 'name=x', { 'content-type': 'text/plain' })).status, 415);
    });

    it('publishes an OpenAPI 3.1 document with the bearer scheme, without authentication', async () => {
      const answer = await bearerCaller(server(), undefined)('GET', '/admin/openapi.json');
      assert.equal(answer.status, 200);
      assert.equal(answer.body.openapi, '3.1.0');
      assert.deepEqual(answer.body.security, [{ bearer: [] }]);
      assert.equal(answer.body.components.securitySchemes.bearer.scheme, 'bearer');
      assert.ok(answer.body.paths['/admin/v1/api-keys'].post.requestBody);
      assert.ok(!Object.keys(answer.body.paths).some((p) => p === '/admin/openapi.json' || p === '/admin/docs'));
    });

    it('renders a reference page from the document: no script, same CSP as every page', async () => {
      const response = await fetch(new URL('/admin/docs', server().baseUrl));
      const html = await response.text();
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(response.headers.get('content-security-policy') ?? '', /default-src 'none'/);
      assert.doesNotMatch(html, /<script|https?:\/\/(?!127\.0\.0\.1)/);
      assert.match(html, /POST \/admin\/v1\/api-keys/);
      assert.match(html, /Request body/);
    });
  });
}

async function keyHeader(server: () => import('../../fixtures/server.ts').TestServer) {
  const { secret } = await server().latchkey.services.admin.createApiKey({ name: 'raw', grants: [{ role: 'global_admin' }] }, 'cli');
  return { value: `Bearer ${secret}` };
}
