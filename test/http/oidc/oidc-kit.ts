import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, type TestContext } from 'node:test';
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose';
import type { DialectName } from '../../../src/store/index.ts';
import { HttpBrowser, signInThroughPages } from '../../fixtures/http-browser.ts';
import { startTestServer, type TestServer, type TestServerOptions } from '../../fixtures/server.ts';
import { createTestTenant, type TestTenant } from '../../fixtures/tenants.ts';

/**
 * Protocol-level helpers for the OIDC HTTP tests: raw requests to one tenant's endpoints, so each
 * test sees exactly what a relying party (or an attacker) would send and receive.
 */

/**
 * One server and one tenant (with its signing key and user) per suite: starting a server, a
 * PostgreSQL database or making an RSA key per test would cost most of the time budget. Each test
 * still gets its own app registration from `tenant()`, and its own browser, session and codes, so
 * no test sees another's protocol state and the order of tests does not matter.
 */
export function suiteFixture(dialect: DialectName, options: Omit<TestServerOptions, 'dialect'> & { tenants?: number } = {}) {
  let server: TestServer | undefined;
  const shared: TestTenant[] = [];
  before(async () => {
    const { tenants = 1, ...serverOptions } = options;
    server = await startTestServer({ ...serverOptions, dialect });
    for (let i = 0; i < tenants; i++) shared.push(await createTestTenant(server));
  });
  after(() => server?.close());
  const started = () => {
    assert.ok(server, 'the suite server is not started');
    return server;
  };
  return {
    server: started,
    /**
     * A fresh app (public, loopback redirect URI by default) in one of the suite's tenants, seen
     * as a TestTenant. `tenantIndex` picks another tenant when the suite asked for several.
     */
    async tenant(app: { type?: 'public' | 'confidential'; redirectUri?: string } = {}, tenantIndex = 0): Promise<TestTenant> {
      const base = shared[tenantIndex];
      assert.ok(base, `the suite has no tenant ${tenantIndex}`);
      return addApp(started(), base, { type: app.type ?? 'public', redirectUris: [app.redirectUri ?? base.redirectUri] });
    },
  };
}

/** The endpoints of a tenant, as the discovery document advertises them. */
export function endpoints(server: TestServer, tenantName: string) {
  const base = `${server.baseUrl}/${tenantName}`;
  return {
    issuer: `${base}/v2.0`,
    discovery: `${base}/v2.0/.well-known/openid-configuration`,
    authorize: `${base}/oauth2/v2.0/authorize`,
    token: `${base}/oauth2/v2.0/token`,
    logout: `${base}/oauth2/v2.0/logout`,
    revoke: `${base}/oauth2/v2.0/revoke`,
    jwks: `${base}/discovery/v2.0/keys`,
    userinfo: `${base}/openid/v2.0/userinfo`,
  };
}

export const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

/** An authorization request of the code flow with PKCE S256, state and nonce; `params` override or (with '') remove. */
export function authorizationRequest(server: TestServer, tt: TestTenant, params: Record<string, string> = {}) {
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(8).toString('base64url');
  const nonce = randomBytes(8).toString('base64url');
  const url = new URL(endpoints(server, tt.tenant.name).authorize);
  const all: Record<string, string> = {
    client_id: tt.app.id,
    redirect_uri: tt.redirectUri,
    response_type: 'code',
    scope: 'openid',
    state,
    nonce,
    code_challenge: s256(verifier),
    code_challenge_method: 'S256',
    ...params,
  };
  for (const [key, value] of Object.entries(all)) if (value !== '') url.searchParams.set(key, value);
  return { url, verifier, state, nonce };
}

/** Signs in through the hosted pages and returns the authorization code and everything needed to redeem it. */
export async function signIn(server: TestServer, tt: TestTenant, params: Record<string, string> = {}, browser = new HttpBrowser()) {
  const request = authorizationRequest(server, tt, params);
  const { callbackUrl, postStatuses } = await signInThroughPages(browser, request.url.href, tt.user.email, tt.password);
  const code = callbackUrl.searchParams.get('code');
  assert.ok(code, `no code in ${callbackUrl.href}`);
  assert.equal(callbackUrl.searchParams.get('state'), request.state);
  return { ...request, browser, code, callbackUrl, postStatuses };
}

export interface TokenResponse {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/**
 * POSTs a form to the token endpoint. A confidential app authenticates with client_secret_basic
 * (RFC 6749 §2.3.1 form-encodes id and secret before base64); a public app sends its client_id.
 */
export async function tokenRequest(
  server: TestServer,
  tt: TestTenant,
  form: Record<string, string>,
  auth: { clientId?: string; secret?: string | null; basic?: boolean } = {},
): Promise<TokenResponse> {
  const clientId = auth.clientId ?? tt.app.id;
  const secret = auth.secret === undefined ? tt.clientSecret : auth.secret;
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  const body = new URLSearchParams(form);
  if (secret !== null && auth.basic !== false) {
    headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;
  } else if (!body.has('client_id')) {
    body.set('client_id', clientId);
  }
  const response = await fetch(endpoints(server, tt.tenant.name).token, { method: 'POST', headers, body: body.toString() });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

/** Redeems an authorization code at the token endpoint. */
export function redeem(server: TestServer, tt: TestTenant, code: string, verifier: string, extra: Record<string, string> = {}, auth = {}) {
  return tokenRequest(server, tt, { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: tt.redirectUri, ...extra }, auth);
}

/** Signs in and redeems the code: the tokens a relying party holds after a normal sign-in. */
export async function signInForTokens(server: TestServer, tt: TestTenant, params: Record<string, string> = {}) {
  const signedIn = await signIn(server, tt, params);
  const tokens = await redeem(server, tt, signedIn.code, signedIn.verifier);
  assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
  return { ...signedIn, tokens: tokens.body as { access_token: string; id_token: string; refresh_token?: string; scope?: string } };
}

/** Calls userinfo with an access token in the Authorization header. */
export async function userinfo(server: TestServer, tt: TestTenant, accessToken: string, init: { method?: string } = {}) {
  const response = await fetch(endpoints(server, tt.tenant.name).userinfo, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
  });
  return { status: response.status, headers: response.headers, body: (await response.json().catch(() => ({}))) as Record<string, unknown> };
}

/** Verifies an ID token independently of the server's own code: signature from JWKS, iss, aud, RS256. */
export async function verifyIdToken(server: TestServer, tt: TestTenant, idToken: string): Promise<JWTPayload> {
  const urls = endpoints(server, tt.tenant.name);
  // A fresh key set per call: its cache must not hide a rotation from the test.
  const jwks = createRemoteJWKSet(new URL(urls.jwks), { cooldownDuration: 0 });
  const { payload } = await jwtVerify(idToken, jwks, {
    issuer: urls.issuer,
    audience: tt.app.id,
    algorithms: ['RS256'],
    currentDate: new Date(Date.now()),
  });
  return payload;
}

/** The kid in a JWT's protected header. */
export function kidOf(jwt: string): string | undefined {
  const header = JSON.parse(Buffer.from(jwt.split('.')[0] ?? '', 'base64url').toString('utf8')) as { kid?: string };
  return header.kid;
}

/**
 * Moves the process clock forward for the rest of one test. The server runs in this process and
 * both oidc-provider and Latchkey's clock read Date.now(), so this is how a test lets a code or a
 * session age without sleeping. Restored after the test.
 */
export function clockTravel(t: TestContext) {
  const realNow = Date.now;
  let offset = 0;
  Date.now = () => realNow() + offset;
  t.after(() => {
    Date.now = realNow;
  });
  return {
    advance(ms: number) {
      offset += ms;
    },
  };
}

/** The URL a response redirects to, resolved against `from`, or undefined. */
export function locationOf(response: Response, from: string): URL | undefined {
  const location = response.headers.get('location');
  return location ? new URL(location, from) : undefined;
}

/** Asserts an authorization request was refused on the OP (no redirect at all, an HTML error page). */
export async function assertErrorPage(response: Response, error: string | RegExp) {
  assert.equal(response.headers.get('location'), null, 'must not redirect');
  assert.ok(response.status >= 400 && response.status < 500, `status ${response.status}`);
  const text = await response.text();
  if (typeof error === 'string') assert.ok(text.includes(error), `page does not name ${error}: ${text.slice(0, 300)}`);
  else assert.match(text, error);
}

/**
 * Asserts an authorization request was answered with an error redirect to the app's registered
 * redirect URI (the only place the OP may redirect to): no code, `error` and `state` echoed.
 */
export function assertErrorRedirect(response: Response, tt: TestTenant, expected: { error: string; state?: string }) {
  assert.equal(response.status, 303, `expected a redirect, got ${response.status}`);
  const location = locationOf(response, tt.redirectUri);
  assert.ok(location, 'no location');
  assert.equal(`${location.origin}${location.pathname}`, tt.redirectUri);
  assert.equal(location.searchParams.get('code'), null, 'no code on an error');
  assert.equal(location.searchParams.get('error'), expected.error, location.href);
  if (expected.state !== undefined) assert.equal(location.searchParams.get('state'), expected.state);
  return location;
}

/**
 * Sends a browser (with whatever session cookie it holds) to an authorization URL and follows the
 * OP's own redirects. `code` is set when the OP answered the app without showing any page.
 */
export async function authorizeInBrowser(browser: HttpBrowser, url: URL) {
  const { response, url: finalUrl } = await browser.follow(await browser.get(url.href), url.href, url.origin);
  const landed = new URL(finalUrl);
  const atApp = landed.origin !== url.origin;
  return { response, landed, atApp, code: atApp ? landed.searchParams.get('code') : null };
}

/** Signed-out URI that every test app registers (as createTestTenant does). */
export const signedOutUri = 'http://127.0.0.1:5173/signed-out';

/** Another app registration in the tenant of `tt`, with its own client_id and redirect URIs. */
export async function addApp(server: TestServer, tt: TestTenant, options: { type: 'public' | 'confidential'; redirectUris: string[] }): Promise<TestTenant> {
  const { app, clientSecret } = await server.latchkey.services.apps.create({
    tenantId: tt.tenant.id,
    name: 'Test app',
    type: options.type,
    redirectUris: options.redirectUris,
    postLogoutRedirectUris: [signedOutUri],
  });
  return { ...tt, app, clientSecret, redirectUri: options.redirectUris[0] ?? '' };
}
