import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TestServer } from '../../fixtures/server.ts';
import { dialects } from '../../fixtures/server.ts';
import { readThenWrite, suiteWorld, tenantWithAdmin } from './support.ts';

/**
 * What the token endpoint says of a client secret: a made-up code is invalid_grant when the
 * secret authenticated the app, invalid_client when it did not.
 */
async function secretWorks(server: TestServer, tenant: string, clientId: string, secret: string): Promise<boolean> {
  const response = await fetch(`${server.baseUrl}/${tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: 'made-up', redirect_uri: 'https://web.example/cb' }),
  });
  const { error } = (await response.json()) as { error: string };
  if (error !== 'invalid_grant' && error !== 'invalid_client') throw new Error(`unexpected ${error}`);
  return error === 'invalid_grant';
}

for (const dialect of dialects()) {
  describe(`admin API: apps and client secrets (${dialect})`, () => {
    const world = suiteWorld(dialect);

    it('registers apps with validated redirect URIs: https, or http only for localhost', async () => {
      const { call, base } = await tenantWithAdmin(world());
      const spa = await call('POST', `${base}/apps`, { name: 'SPA', type: 'public', redirectUris: ['http://localhost:5173/cb', 'https://spa.example/cb'] });
      assert.equal(spa.status, 201, JSON.stringify(spa.body));
      assert.equal(spa.body.clientSecret, null);
      for (const uri of ['http://spa.example/cb', 'https://*.example/cb', 'https://spa.example/cb#x', 'not a url']) {
        const refused = await call('POST', `${base}/apps`, { name: 'Bad', type: 'public', redirectUris: [uri] });
        assert.deepEqual([refused.status, refused.body.error.code], [400, 'invalid_redirect_uri'], uri);
      }
      const changed = await readThenWrite(call, 'PATCH', `${base}/apps/${spa.body.id}`, () => ({ redirectUris: ['http://example.com/cb'] }));
      assert.deepEqual([changed.status, changed.body.error.code], [400, 'invalid_redirect_uri']);
      const renamed = await readThenWrite(call, 'PATCH', `${base}/apps/${spa.body.id}`, () => ({ name: 'My SPA' }));
      assert.equal(renamed.body.name, 'My SPA');
      const list = await call('GET', `${base}/apps`);
      assert.ok(list.body.items.some((a: { id: string }) => a.id === spa.body.id));
    });

    it('rolls a confidential app over to a new secret: list without values, both work, the revoked one stops', async () => {
      const { call, base, tt } = await tenantWithAdmin(world());
      const web = await call('POST', `${base}/apps`, { name: 'Web', type: 'confidential', redirectUris: ['https://web.example/cb'] });
      const first = web.body.clientSecret as string;
      assert.ok(first);
      const added = await call('POST', `${base}/apps/${web.body.id}/secrets`, { description: 'rollover' });
      assert.equal(added.status, 201, JSON.stringify(added.body));
      const second = added.body.value as string;
      const listed = await call('GET', `${base}/apps/${web.body.id}/secrets`);
      assert.equal(listed.body.items.length, 2);
      assert.doesNotMatch(JSON.stringify(listed.body), new RegExp(`${first}|${second}|hash`));
      assert.deepEqual(listed.body.items.map((s: { hint: string }) => s.hint).sort(), [first.slice(0, 3), second.slice(0, 3)].sort());
      const firstId = listed.body.items.find((s: { description: string }) => s.description === 'Initial secret').id;
      const server = world().server;
      assert.equal(await secretWorks(server, tt.tenant.name, web.body.id, first), true);
      assert.equal(await secretWorks(server, tt.tenant.name, web.body.id, second), true);
      assert.equal((await call('DELETE', `${base}/apps/${web.body.id}/secrets/${firstId}`)).status, 204);
      assert.equal(await secretWorks(server, tt.tenant.name, web.body.id, first), false, 'the revoked secret fails');
      assert.equal(await secretWorks(server, tt.tenant.name, web.body.id, second), true);
      assert.equal((await call('DELETE', `${base}/apps/${web.body.id}/secrets/${firstId}`)).status, 404, 'revoked already');
      const spa = await call('POST', `${base}/apps`, { name: 'SPA', type: 'public', redirectUris: ['https://spa.example/cb'] });
      assert.equal((await call('POST', `${base}/apps/${spa.body.id}/secrets`, {})).status, 400, 'a public app has no secrets');
    });

    /** Found by the admin API fuzzer: on PostgreSQL the third live secret overflowed apps.secret_hash (varchar(128)). */
    it('holds three and more live secrets at once, each of which authenticates the app', async () => {
      const { call, base, tt } = await tenantWithAdmin(world());
      const web = await call('POST', `${base}/apps`, { name: 'Web', type: 'confidential', redirectUris: ['https://web.example/cb'] });
      const secrets = [web.body.clientSecret as string];
      for (let i = 0; i < 4; i++) {
        const added = await call('POST', `${base}/apps/${web.body.id}/secrets`, { description: `rollover ${i}` });
        assert.equal(added.status, 201, JSON.stringify(added.body));
        secrets.push(added.body.value);
      }
      assert.equal((await call('GET', `${base}/apps/${web.body.id}/secrets`)).body.items.length, 5);
      for (const secret of secrets) assert.equal(await secretWorks(world().server, tt.tenant.name, web.body.id, secret), true);
    });

    it('sets the user flow an app uses, and deletes an app with If-Match', async () => {
      const { call, base } = await tenantWithAdmin(world());
      const flow = await call('POST', `${base}/user-flows`, { name: 'F', methods: ['email_password'] });
      const made = await call('POST', `${base}/apps`, { name: 'A', type: 'public', redirectUris: ['https://a.example/cb'], userFlowId: flow.body.id });
      assert.equal(made.body.userFlowId, flow.body.id);
      assert.deepEqual((await call('GET', `${base}/user-flows/${flow.body.id}`)).body.appIds, [made.body.id]);
      const unknown = await readThenWrite(call, 'PATCH', `${base}/apps/${made.body.id}`, () => ({ userFlowId: 'no-such-flow' }));
      assert.equal(unknown.status, 404);
      assert.equal((await readThenWrite(call, 'PATCH', `${base}/apps/${made.body.id}`, () => ({ userFlowId: null }))).body.userFlowId, null);
      assert.equal((await readThenWrite(call, 'DELETE', `${base}/apps/${made.body.id}`, () => undefined)).status, 204);
      assert.equal((await call('GET', `${base}/apps/${made.body.id}`)).status, 404);
    });
  });
}
