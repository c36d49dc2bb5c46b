import assert from 'node:assert/strict';
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { after, before } from 'node:test';
import { type Latchkey, startLatchkey } from '../../../src/app.ts';
import { loadConfig } from '../../../src/config.ts';
import type { UserId } from '../../../src/core/ids.ts';
import type { PolicyOverrides } from '../../../src/core/policies/tenant-policies.ts';
import type { SignInMethod } from '../../../src/core/user-flows/user-flow.ts';
import { openDatabase } from '../../../src/store/dialects.ts';
import type { DialectName } from '../../../src/store/index.ts';
import { sessionsClosed } from '../../fixtures/child-server.ts';
import { type HttpBrowser, formFields } from '../../fixtures/http-browser.ts';
import { Journey, type Page, codeIn, nthMail } from '../../fixtures/journey.ts';
import { type TestServer, type TestServerOptions, freePort, startTestServer } from '../../fixtures/server.ts';
import { type TestMailbox, startTestMailbox } from '../../fixtures/smtp.ts';
import { type TestTenant, createTestTenant } from '../../fixtures/tenants.ts';

/**
 * Helpers of the checklist tests (test/http/checklist, sections A, C, D, E and I of
 * ../shared/SECURITY-CHECKLIST.md). One server (and one SMTP mailbox) per describe block, a fresh
 * tenant with its own user address per test, and a fresh client IP address per test where rate
 * limits are per IP, so tests share a server without sharing a budget.
 */

/** The generic sign-in error (ErrorCode.invalid_credentials). */
export const GENERIC = /Your email address or password is incorrect/;

/** A password no blocklist or composition rule refuses. */
export const GOOD_PASSWORD = 'Quartz-lantern 4 orbit';

/** Redis for the multi-node tests: LATCHKEY_TEST_REDIS_URL, or the CI service. */
export const redisUrl = process.env.LATCHKEY_TEST_REDIS_URL ?? (process.env.CI === 'true' ? 'redis://127.0.0.1:6379' : undefined);

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// Client addresses

/**
 * Loopback addresses for the client side of a test (Linux routes all of 127.0.0.0/8 to lo). The
 * second and third octets are random per process so that test files sharing a Redis never share
 * a per-IP budget.
 */
const ipBase = [randomInt(1, 255), randomInt(0, 255)] as const;
let ipCount = 0;
export function freshIp(): string {
  ipCount += 1;
  return `127.${ipBase[0]}.${(ipBase[1] + Math.floor(ipCount / 250)) % 256}.${(ipCount % 250) + 1}`;
}

/** Every loopback address this process handed out (for cleaning a shared Redis). */
export const usedIps = () => Array.from({ length: ipCount }, (_, i) => `127.${ipBase[0]}.${(ipBase[1] + Math.floor((i + 1) / 250)) % 256}.${((i + 1) % 250) + 1}`);

/** One HTTP exchange from `localAddress`, as a fetch Response (no redirects followed). */
export function sendFrom(localAddress: string, url: string, init: { method?: string; headers?: HeadersInit; body?: string | Buffer } = {}): Promise<Response> {
  const target = new URL(url);
  const headers = new Headers(init.headers);
  if (init.body !== undefined) headers.set('content-length', String(Buffer.byteLength(init.body)));
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method: init.method ?? 'GET', headers: Object.fromEntries(headers), localAddress },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const out = new Headers();
          for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) out.append(res.rawHeaders[i] as string, res.rawHeaders[i + 1] as string);
          const status = res.statusCode ?? 0;
          resolve(new Response([204, 205, 304].includes(status) ? null : Buffer.concat(chunks), { status, headers: out }));
        });
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

/**
 * Makes `browser` send every request from the loopback address `ip()` (called per request, so a
 * test can rotate addresses), keeping its cookies as HttpBrowser does.
 */
export function sendFromIp(browser: HttpBrowser, ip: string | (() => string)): HttpBrowser {
  const pick = typeof ip === 'string' ? () => ip : ip;
  browser.request = async (url: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (browser.cookies.size > 0) headers.set('cookie', browser.cookieHeader());
    if (!headers.has('accept')) headers.set('accept', 'text/html');
    const response = await sendFrom(pick(), url, { method: init.method ?? 'GET', headers, body: init.body as string | undefined });
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (expired || value === '') browser.cookies.delete(name);
      else browser.cookies.set(name, value);
    }
    return response;
  };
  return browser;
}

// ---------------------------------------------------------------------------------------------
// Servers and tenants

export interface SuiteOptions extends Omit<TestServerOptions, 'dialect'> {
  /** Start a real SMTP mailbox and point the server at it. */
  mail?: boolean;
}

/** One server (and mailbox) for every test of the enclosing describe block. */
export function suite(dialect: DialectName, options: SuiteOptions = {}) {
  let server: TestServer | undefined;
  let mailbox: TestMailbox | undefined;
  /** Run before the server stops (e.g. closing a second node on its database). */
  const closers: (() => Promise<void>)[] = [];
  before(async () => {
    const { mail, ...rest } = options;
    if (mail) mailbox = await startTestMailbox();
    server = await startTestServer({ ...rest, dialect, env: { ...(mailbox ? { LATCHKEY_SMTP_URL: mailbox.url } : {}), ...rest.env } });
  });
  after(async () => {
    for (const close of closers.splice(0)) await close().catch(() => {});
    if (server) {
      await server.stop().catch(() => {});
      await sessionsClosed(server.databaseUrl);
      await server.close();
    }
    await mailbox?.stop();
  });
  const started = () => {
    assert.ok(server, 'the suite server is not started');
    return server;
  };
  return {
    server: started,
    mailbox: () => {
      assert.ok(mailbox, 'the suite has no mailbox (mail: true)');
      return mailbox;
    },
    tenant: (opts: TenantOptions = {}) => checklistTenant(started(), opts),
    onClose: (close: () => Promise<void>) => closers.push(close),
  };
}

export interface TenantOptions {
  policies?: PolicyOverrides;
  /** The tenant's name (lowercase letters, digits, hyphens). */
  name?: string;
  /** Give the app a user flow with these sign-in methods (default: no user flow, Email with password). */
  methods?: SignInMethod[];
}

export interface ChecklistTenant extends TestTenant {
  /** The user's address in lower case, as mail arrives for it. */
  email: string;
}

/** A tenant with one public app and one user whose address is unique to this tenant. */
export async function checklistTenant(server: TestServer, opts: TenantOptions = {}): Promise<ChecklistTenant> {
  const email = `Alex.${randomBytes(4).toString('hex')}@Example.com`;
  const tt = await createTestTenant(server, { email, ...(opts.name ? { name: opts.name } : {}) });
  const { services } = server.latchkey;
  if (opts.policies) await services.deps.store.tenants.setPolicies(tt.tenant.id, opts.policies);
  let { app } = tt;
  if (opts.methods) {
    const userFlow = await services.userFlows.create({ tenantId: tt.tenant.id, name: 'Checklist flow', methods: opts.methods });
    ({ app } = await services.apps.create({ tenantId: tt.tenant.id, name: 'Checklist app', type: 'public', redirectUris: [tt.redirectUri], userFlowId: userFlow.id }));
  }
  return { ...tt, app, email: email.toLowerCase() };
}

/** Creates another user in the tenant of `tt`, with a password. */
export async function addUser(server: TestServer, tt: TestTenant, password: string, email = `user.${randomBytes(4).toString('hex')}@example.com`) {
  return server.latchkey.services.users.create({ tenantId: tt.tenant.id, email, password, displayName: 'Other User', emailVerified: true });
}

/** Marks a user disabled, straight in the database (the admin API's way is tested in test/admin). */
export async function disableUser(server: TestServer, userId: UserId | string): Promise<void> {
  const { db } = openDatabase(server.databaseUrl);
  try {
    await db.updateTable('users').set({ enabled: 0 }).where('id', '=', userId).execute();
  } finally {
    await db.destroy();
  }
}

/**
 * A second Latchkey node on the database (and secret, and Redis if any) of `server`, with its own
 * port and base URL, as a TestServer facade for `Journey`. Closed after the test.
 */
export async function secondNode(t: { after(fn: () => Promise<void>): void }, server: TestServer): Promise<TestServer> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env = { ...server.env, PORT: String(port), LATCHKEY_BASE_URL: baseUrl };
  const latchkey: Latchkey = await startLatchkey(loadConfig(env), { print: () => {} });
  t.after(() => latchkey.close());
  const close = () => latchkey.close();
  return {
    baseUrl,
    latchkey,
    databaseUrl: server.databaseUrl,
    env,
    stop: close,
    close,
    restart: () => Promise.reject(new Error('not supported for a second node')),
  };
}

/** The same tenant and app seen through another node (its issuer follows the node's base URL). */
export const onNode = <T extends TestTenant>(node: TestServer, tt: T): T => ({ ...tt, issuer: `${node.baseUrl}/${tt.tenant.name}/v2.0` });

// ---------------------------------------------------------------------------------------------
// Journeys

/** Starts a journey whose browser sends from `ip` (a fresh address unless given). */
export async function begin(server: TestServer, tt: TestTenant, ip: string | (() => string) = freshIp(), scope?: string) {
  const started = await Journey.begin(server, tt, scope);
  sendFromIp(started.journey.browser, ip);
  return started;
}

/** What one POST answered, without following it. */
export interface Answer {
  status: number;
  location: string | null;
  retryAfter: string | null;
  cookieNames: string[];
  body: string;
}

/** POSTs the form of `page` whose action ends with `suffix` and reads the answer as it is. */
export async function postForm(journey: Journey, page: Page, suffix: string, fields: Record<string, string> = {}, headers: Record<string, string> = {}): Promise<Answer> {
  const url = actionUrl(journey, page, suffix);
  const response = await journey.browser.request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({ flow: page.flow, csrf: page.csrf, ...fields }).toString(),
  });
  return answerOf(response);
}

export async function answerOf(response: Response): Promise<Answer> {
  return {
    status: response.status,
    location: response.headers.get('location'),
    retryAfter: response.headers.get('retry-after'),
    cookieNames: response.headers
      .getSetCookie()
      .map((c) => c.slice(0, c.indexOf('=')))
      .sort(),
    body: await response.text(),
  };
}

/** The absolute URL of the form of `page` whose action ends with `suffix`. */
export function actionUrl(journey: Journey, page: Page, suffix: string): string {
  const action = page.actions.find((a) => a.endsWith(suffix));
  assert.ok(action, `no form ending in ${suffix} on ${page.url}: ${page.actions.join(', ')}`);
  return new URL(action, journey.server.baseUrl).href;
}

/** Opens a URL of the journey and reads it as a page, whatever its status. */
export async function openPage(journey: Journey, url: string): Promise<Page> {
  const absolute = new URL(url, journey.server.baseUrl).href;
  const end = await journey.browser.follow(await journey.browser.get(absolute), absolute, journey.server.baseUrl);
  const html = end.response.status >= 300 && end.response.status < 400 ? '' : await end.response.text();
  return { url: end.url, status: end.response.status, html, ...formFields(html) };
}

/** Email → Next: the password page. */
export const passwordPage = (journey: Journey, page: Page, email: string) => journey.submit(page, '/email', { email });

/** Signs in through the pages from a new journey; returns the last page (the app's callback on success). */
export async function signIn(server: TestServer, tt: TestTenant, email: string, password: string, ip?: string) {
  const { journey, page } = await begin(server, tt, ip);
  const landed = await journey.submit(await passwordPage(journey, page, email), '/password', { password });
  return { journey, landed, ok: journey.reachedApp(landed) };
}

/** Sign-up from a new journey up to the details page (email verified with the mailed code). */
export async function signUpToDetails(server: TestServer, mailbox: TestMailbox, tt: TestTenant, email: string, ip?: string) {
  const { journey, page } = await begin(server, tt, ip);
  const start = await journey.open(`${page.url.split('?')[0]}/sign-up`);
  const codePage = await journey.submit(start, '/sign-up/email', { email });
  const details = await journey.submit(codePage, '/sign-up/code', { code: codeIn(await nthMail(mailbox, email, 0)) });
  assert.match(details.html, /Confirm password/, 'on the details page');
  return { journey, details };
}

/** Submits a new password on the sign-up details page (display name filled in). */
export const submitDetails = (journey: Journey, details: Page, password: string, displayName = 'Checklist Person') =>
  journey.submit(details, '/sign-up/details', { password, confirm: password, displayName });

/** A reset from a new journey up to the "New password" page. `n` is the number of earlier mails to `email`. */
export async function resetToNewPassword(server: TestServer, mailbox: TestMailbox, tt: TestTenant, email: string, n = 0, ip?: string) {
  const { journey, page } = await begin(server, tt, ip);
  const codePage = await journey.submit(await passwordPage(journey, page, email), '/forgot');
  const form = await journey.submit(codePage, '/reset/code', { code: codeIn(await nthMail(mailbox, email, n)) });
  assert.match(form.html, /Confirm password/, 'on the new password page');
  return { journey, form };
}

/** Submits a new password on the reset form. */
export const submitNewPassword = (journey: Journey, form: Page, password: string) => journey.submit(form, '/reset/password', { password, confirm: password });

/** The text of the page's alert (the error shown), if any. */
export const alertOf = (page: Page) => page.html.match(/role="alert"[^>]*>([\s\S]*?)<\//)?.[1]?.trim();

/** Median of a list of numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The q-quantile (0..1) of a list of numbers. */
export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))] as number;
}

// ---------------------------------------------------------------------------------------------
// OIDC requests (raw, so a test sees what a relying party or an attacker would)

/** The endpoints of the tenant of `tt` on `server`. */
export function endpointsOf(server: TestServer, tt: TestTenant) {
  const base = `${server.baseUrl}/${tt.tenant.name}`;
  return {
    authorize: `${base}/oauth2/v2.0/authorize`,
    token: `${base}/oauth2/v2.0/token`,
    logout: `${base}/oauth2/v2.0/logout`,
    revoke: `${base}/oauth2/v2.0/revoke`,
    userinfo: `${base}/openid/v2.0/userinfo`,
    jwks: `${base}/discovery/v2.0/keys`,
  };
}

/** An authorization request of the code flow with PKCE S256 for the app of `tt`; `params` add or override. */
export function authorizeUrl(server: TestServer, tt: TestTenant, params: Record<string, string> = {}) {
  const verifier = randomBytes(32).toString('base64url');
  const url = new URL(endpointsOf(server, tt).authorize);
  const all = {
    client_id: tt.app.id,
    redirect_uri: tt.redirectUri,
    response_type: 'code',
    scope: 'openid',
    state: randomBytes(8).toString('base64url'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...params,
  };
  for (const [key, value] of Object.entries(all)) url.searchParams.set(key, value);
  return { url, verifier };
}

/**
 * Sends `browser` (with whatever cookies it holds) through an authorization request with
 * prompt=none: the code when its session still signs it in, else the error the app gets.
 */
export async function silentSignIn(server: TestServer, tt: TestTenant, browser: HttpBrowser, params: Record<string, string> = {}) {
  const { url, verifier } = authorizeUrl(server, tt, { prompt: 'none', ...params });
  const end = await browser.follow(await browser.get(url.href), url.href, server.baseUrl);
  const landed = new URL(end.url);
  const atApp = end.url.startsWith(tt.redirectUri);
  return { status: end.response.status, atApp, code: atApp ? landed.searchParams.get('code') : null, error: atApp ? landed.searchParams.get('error') : null, verifier, response: end.response };
}

/** POSTs a form to the token endpoint as the public app of `tt` (client_id in the body). */
export async function tokenRequest(server: TestServer, tt: TestTenant, form: Record<string, string>) {
  const response = await fetch(endpointsOf(server, tt).token, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ client_id: tt.app.id, ...form }).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, string | undefined> };
}

export const refresh = (server: TestServer, tt: TestTenant, refreshToken: string) => tokenRequest(server, tt, { grant_type: 'refresh_token', refresh_token: refreshToken });

/** Redeems a code of `authorizeUrl`. */
export const redeem = (server: TestServer, tt: TestTenant, code: string, verifier: string) =>
  tokenRequest(server, tt, { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: tt.redirectUri });

/** Calls userinfo with `token` as a Bearer token; answers the status. */
export async function userinfoStatus(server: TestServer, tt: TestTenant, token: string): Promise<number> {
  const response = await fetch(endpointsOf(server, tt).userinfo, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
  await response.text();
  return response.status;
}

/** The `sub` of an ID token (read, not verified: the test talks to its own server). */
export const subOf = (idToken: string | undefined) => (JSON.parse(Buffer.from((idToken ?? '').split('.')[1] ?? '', 'base64url').toString('utf8')) as { sub?: string }).sub;

/** The browser's session cookie of the tenant (name and value), if any. */
export function sessionCookie(cookies: Map<string, string>, tt: TestTenant): { name: string; value: string } | undefined {
  const name = [...cookies.keys()].find((k) => k.endsWith(`lk_session_${tt.tenant.name}`));
  const value = name ? cookies.get(name) : undefined;
  return name && value ? { name, value } : undefined;
}

/** Signs in through the pages (Journey, scope with offline_access) and redeems the code. */
export async function signInForTokens(server: TestServer, tt: TestTenant, email: string, password: string) {
  const { journey, landed, ok } = await signIn(server, tt, email, password);
  assert.ok(ok, `sign-in failed: ${landed.status} ${landed.url}`);
  const tokens = await journey.tokens(landed);
  assert.ok(tokens.refresh_token, 'a refresh token');
  return { journey, browser: journey.browser, tokens: { access_token: tokens.access_token, refresh_token: tokens.refresh_token, id_token: tokens.id_token ?? '' } };
}

/**
 * Moves the process clock (Date.now, which oidc-provider and Latchkey's clock both read) forward
 * for the rest of one test, so sessions and tokens age without sleeping. Restored after the test.
 */
export function clockTravel(t: { after(fn: () => void): void }) {
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
