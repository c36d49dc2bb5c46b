import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, it } from 'node:test';
import { dialects, startTestServer } from '../../fixtures/server.ts';
import { createTestTenant } from '../../fixtures/tenants.ts';
import { authorizationRequest, endpoints, suiteFixture } from './oidc-kit.ts';

type Discovery = Record<string, unknown> & { issuer: string; jwks_uri: string };

const endpointKeys = [
  'authorization_endpoint',
  'token_endpoint',
  'userinfo_endpoint',
  'jwks_uri',
  'end_session_endpoint',
  'revocation_endpoint',
  'registration_endpoint',
  'pushed_authorization_request_endpoint',
  'introspection_endpoint',
  'device_authorization_endpoint',
  'backchannel_authentication_endpoint',
];

const advertised = (doc: Discovery) => endpointKeys.filter((key) => typeof doc[key] === 'string').map((key) => [key, String(doc[key])] as const);

/** GET with a Host header of our choosing (fetch does not let a caller set Host). */
function getWithHost(url: string, host: string): Promise<string> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    request(
      {
        hostname: target.hostname,
        port: target.port,
        path: target.pathname,
        headers: { host, 'x-forwarded-host': 'evil2.example', 'x-forwarded-proto': 'http' },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve(body));
      },
    )
      .on('error', reject)
      .end();
  });
}

for (const dialect of dialects()) {
  describe(`discovery (${dialect})`, () => {
    const { server, tenant } = suiteFixture(dialect);

    it('F29: the issuer is the tenant URL prefix and every endpoint sits under it', async () => {
      const tt = await tenant();
      const urls = endpoints(server(), tt.tenant.name);
      const response = await fetch(urls.discovery);
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
      const doc = (await response.json()) as Discovery;
      assert.equal(doc.issuer, `${server().baseUrl}/${tt.tenant.name}/v2.0`);
      assert.equal(`${doc.issuer}/.well-known/openid-configuration`, urls.discovery);
      for (const [key, url] of advertised(doc)) assert.ok(url.startsWith(`${server().baseUrl}/${tt.tenant.name}/`), `${key}: ${url}`);
      assert.equal(doc.authorization_endpoint, urls.authorize);
      assert.equal(doc.token_endpoint, urls.token);
      assert.equal(doc.userinfo_endpoint, urls.userinfo);
      assert.equal(doc.jwks_uri, urls.jwks);
    });

    it('F29: every advertised endpoint is actually served (none answers 404)', async () => {
      const tt = await tenant();
      const doc = (await (await fetch(endpoints(server(), tt.tenant.name).discovery)).json()) as Discovery;
      for (const [key, url] of advertised(doc)) {
        const get = await fetch(url, { redirect: 'manual' });
        const post = await fetch(url, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
        assert.ok(get.status !== 404 || post.status !== 404, `${key} ${url} is advertised but not served`);
      }
    });

    it('F29/F6/F12/F17/F30: discovery advertises only code, S256, RS256, no unsigned tokens, and the iss response parameter', async () => {
      const tt = await tenant();
      const doc = (await (await fetch(endpoints(server(), tt.tenant.name).discovery)).json()) as Discovery;
      assert.deepEqual(doc.response_types_supported, ['code']);
      assert.deepEqual(doc.code_challenge_methods_supported, ['S256']);
      assert.ok((doc.scopes_supported as string[]).includes('openid'));
      assert.ok(Array.isArray(doc.subject_types_supported) && doc.subject_types_supported.length > 0);
      assert.deepEqual(doc.id_token_signing_alg_values_supported, ['RS256']);
      for (const key of Object.keys(doc).filter((k) => k.endsWith('alg_values_supported'))) {
        assert.ok(!(doc[key] as string[]).includes('none'), `${key} includes none`);
      }
      const grants = doc.grant_types_supported as string[];
      for (const refused of ['implicit', 'password', 'client_credentials']) assert.ok(!grants.includes(refused), refused);
      assert.equal(doc.authorization_response_iss_parameter_supported, true);
      assert.deepEqual(doc.token_endpoint_auth_methods_supported, ['client_secret_basic', 'client_secret_post', 'none']);
      assert.equal(doc.registration_endpoint, undefined, 'no dynamic registration');
      assert.notEqual(doc.request_parameter_supported, true);
      assert.notEqual(doc.request_uri_parameter_supported, true);
    });

    it('F29: jwks_uri is a JWKS of public RSA signing keys only', async () => {
      const tt = await tenant();
      const response = await fetch(endpoints(server(), tt.tenant.name).jwks);
      assert.equal(response.status, 200);
      const { keys } = (await response.json()) as { keys: Record<string, unknown>[] };
      assert.ok(keys.length >= 1);
      for (const key of keys) {
        assert.equal(key.kty, 'RSA');
        assert.equal(typeof key.kid, 'string');
        assert.ok(typeof key.n === 'string' && typeof key.e === 'string');
        for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth']) assert.equal(key[secret], undefined, `private member ${secret} published`);
      }
    });

    it('F29: a spoofed Host or X-Forwarded-Host does not change the advertised endpoints', async () => {
      const tt = await tenant();
      const doc = JSON.parse(await getWithHost(endpoints(server(), tt.tenant.name).discovery, 'evil.example')) as Discovery;
      assert.equal(doc.issuer, tt.issuer);
      for (const [key, url] of advertised(doc)) assert.ok(url.startsWith(`${server().baseUrl}/`), `${key}: ${url}`);
    });
  });

  describe(`discovery behind TLS termination (${dialect})`, () => {
    it('F29: with an https base URL every endpoint is https and authorization works over the proxied plain-HTTP hop', async (t) => {
      const server = await startTestServer({ dialect, env: { LATCHKEY_BASE_URL: 'https://idp.example.test' } });
      t.after(() => server.close());
      const tt = await createTestTenant(server, { redirectUri: 'https://app.example/cb' });
      const local = `http://127.0.0.1:${server.env.PORT}`;
      const doc = (await (await fetch(`${local}/${tt.tenant.name}/v2.0/.well-known/openid-configuration`)).json()) as Discovery;
      assert.equal(doc.issuer, `https://idp.example.test/${tt.tenant.name}/v2.0`);
      for (const [key, url] of advertised(doc)) assert.ok(url.startsWith(`https://idp.example.test/${tt.tenant.name}/`), `${key}: ${url}`);
      const authorize = authorizationRequest(server, tt).url;
      const response = await fetch(`${local}${authorize.pathname}${authorize.search}`, { redirect: 'manual' });
      assert.equal(response.status, 303, 'not a 500 for a secure cookie on a plain socket');
      for (const cookie of response.headers.getSetCookie()) assert.match(cookie, /^__Secure-.*; secure/i);
    });
  });
}
