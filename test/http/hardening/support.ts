import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { DialectName } from '../../../src/store/index.ts';
import type { HttpBrowser } from '../../fixtures/http-browser.ts';
import { startTestServer, type TestServer, type TestServerOptions } from '../../fixtures/server.ts';
import { createTestTenant, type TestTenant } from '../../fixtures/tenants.ts';

/** One answer of the server, kept whole for header and cookie checks. */
export interface Answer {
  name: string;
  url: string;
  status: number;
  headers: Headers;
  body: string;
}

/** Sends a request with the browser's cookies and keeps the whole answer (no redirect following). */
export async function capture(browser: HttpBrowser, name: string, url: string, init: RequestInit = {}): Promise<Answer> {
  const response = await browser.request(url, init);
  return { name, url, status: response.status, headers: response.headers, body: await response.text() };
}

/** POSTs a form with the browser's cookies and keeps the whole answer. */
export function capturePost(
  browser: HttpBrowser,
  name: string,
  url: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return capture(browser, name, url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
}

/** A tenant with three apps: password + passcode (the default one of `tt`), passcode only, and a confidential web app. */
export interface Hardening {
  server: TestServer;
  tt: TestTenant;
  passcodeOnly: TestTenant;
  confidential: TestTenant;
}

export async function setUp(
  t: { after(fn: () => Promise<void>): void },
  dialect: DialectName,
  options: Omit<TestServerOptions, 'dialect'> = {},
): Promise<Hardening> {
  const server = await startTestServer({ dialect, seedDemo: true, ...options });
  t.after(() => server.close());
  const base = await createTestTenant(server);
  const { services } = server.latchkey;
  const tenantId = base.tenant.id;
  const both = await services.userFlows.create({ tenantId, name: 'Password or code', methods: ['email_password', 'email_otp'] });
  const only = await services.userFlows.create({ tenantId, name: 'Code only', methods: ['email_otp'] });
  const app = (userFlowId: string | undefined, type: 'public' | 'confidential' = 'public') =>
    services.apps.create({
      tenantId,
      name: 'App',
      type,
      redirectUris: [base.redirectUri],
      postLogoutRedirectUris: ['http://127.0.0.1:5173/signed-out'],
      userFlowId: userFlowId as never,
    });
  const main = await app(both.id);
  const passcode = await app(only.id);
  const web = await app(undefined, 'confidential');
  return {
    server,
    tt: { ...base, app: main.app, clientSecret: main.clientSecret },
    passcodeOnly: { ...base, app: passcode.app, clientSecret: passcode.clientSecret },
    confidential: { ...base, app: web.app, clientSecret: web.clientSecret },
  };
}

/** The code of the newest mail the dev mailbox kept for `to` (waiting for the outbox worker). */
export async function mailedCode(server: TestServer, to: string, after = 0): Promise<string> {
  const mailbox = server.latchkey.mail.devMailbox;
  assert.ok(mailbox, 'these tests run with the dev mailbox');
  const deadline = Date.now() + 5000;
  for (;;) {
    server.latchkey.mail.nudge();
    const mails = mailbox.list().filter((m) => m.to.toLowerCase() === to.toLowerCase());
    const code = mails.length > after ? mails[0]?.subject.match(/^(\d{6,10})\b/)?.[1] : undefined;
    if (code) return code;
    assert.ok(Date.now() < deadline, `no code mailed to ${to}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** How many mails the dev mailbox kept for `to`. */
export const mailCount = (server: TestServer, to: string) =>
  server.latchkey.mail.devMailbox?.list().filter((m) => m.to.toLowerCase() === to.toLowerCase()).length ?? 0;

export interface SetCookie {
  name: string;
  value: string;
  /** Attribute names (lower-cased) → values ('' for flags). */
  attributes: Map<string, string>;
  line: string;
}

export function parseSetCookie(line: string): SetCookie {
  const [pair = '', ...rest] = line.split(';');
  const eq = pair.indexOf('=');
  const attributes = new Map<string, string>();
  for (const part of rest) {
    const at = part.indexOf('=');
    const key = (at < 0 ? part : part.slice(0, at)).trim().toLowerCase();
    attributes.set(key, at < 0 ? '' : part.slice(at + 1).trim());
  }
  return { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), attributes, line };
}

/** True for a Set-Cookie that deletes a cookie (empty value or expiry in the past). */
export function isDeletion(cookie: SetCookie): boolean {
  const expires = cookie.attributes.get('expires');
  return cookie.value === '' || cookie.attributes.get('max-age') === '0' || (expires !== undefined && Date.parse(expires) < Date.now());
}

/** The CSP of an answer as directive → sources. */
export function cspOf(answer: Answer): Map<string, string[]> {
  const csp = answer.headers.get('content-security-policy') ?? '';
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name = '', ...sources]) => [name.toLowerCase(), sources]),
  );
}

/** Inline `<script>` bodies of an HTML page. */
export function inlineScripts(html: string): string[] {
  return [...html.matchAll(/<script(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/gi)].map((m) => m[1] ?? '');
}

export const sha256Source = (script: string) => `'sha256-${createHash('sha256').update(script).digest('base64')}'`;

/** Replaces per-request values (interaction uids, flow ids, codes, states) so two journeys' redirects compare. */
export function shapeOf(location: string | null): string {
  if (!location) return '(none)';
  return location
    .replace(/^https?:\/\/[^/]+/, '')
    .replace(/\/interaction\/[A-Za-z0-9_-]+/, '/interaction/UID')
    .replace(/\/authorize\/[A-Za-z0-9_-]+/, '/authorize/UID')
    .replace(/([?&](?:flow|code|state|iss|session_state)=)[^&]+/g, '$1X');
}
