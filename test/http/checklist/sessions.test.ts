import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { HttpBrowser, formFields } from '../../fixtures/http-browser.ts';
import { dialects, type TestServer } from '../../fixtures/server.ts';
import { type TestTenant, createTestTenant } from '../../fixtures/tenants.ts';
import {
  GOOD_PASSWORD,
  addUser,
  authorizeUrl,
  begin,
  clockTravel,
  disableUser,
  endpointsOf,
  passwordPage,
  redeem,
  refresh,
  sendFromIp,
  freshIp,
  sessionCookie,
  signInForTokens,
  silentSignIn,
  subOf,
  suite,
  tokenRequest,
  userinfoStatus,
} from './support.ts';

/**
 * Section E of the security checklist (session and token handling): the OIDC session cookie of
 * oidc-provider (`lk_session_{tenant}`, 24 h sliding), authorization codes, access tokens (opaque,
 * 1 h) and rotating refresh tokens (90 days, bounded by their grant). Checks proven by other
 * suites are listed in docs/security-checklist.md.
 */

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

/** A browser holding only `cookies` (a copy), sending from a fresh address. */
function browserWith(cookies: Iterable<[string, string]>): HttpBrowser {
  const browser = sendFromIp(new HttpBrowser(), freshIp());
  for (const [name, value] of cookies) browser.cookies.set(name, value);
  return browser;
}

/** The session cookie and its signature, as a pair of cookie entries. */
function sessionPair(cookies: Map<string, string>, tt: TestTenant): [string, string][] {
  const session = sessionCookie(cookies, tt);
  assert.ok(session, 'a session cookie');
  return [
    [session.name, session.value],
    [`${session.name}.sig`, cookies.get(`${session.name}.sig`) ?? ''],
  ];
}

/** Asks for and confirms RP-initiated logout with `idTokenHint`; returns the confirmation POST's response. */
async function logout(server: TestServer, tt: TestTenant, browser: HttpBrowser, idTokenHint: string) {
  const url = new URL(endpointsOf(server, tt).logout);
  url.searchParams.set('id_token_hint', idTokenHint);
  url.searchParams.set('post_logout_redirect_uri', 'http://127.0.0.1:5173/signed-out');
  const confirm = await browser.get(url.href);
  assert.equal(confirm.status, 200);
  const page = await confirm.text();
  const xsrf = page.match(/name="xsrf" value="([^"]+)"/)?.[1];
  const action = page.match(/action="([^"]+)"/)?.[1];
  assert.ok(xsrf && action, 'a logout confirmation form');
  return browser.post(new URL(action, server.baseUrl).href, { xsrf, logout: 'yes' });
}

/** A JWT with the given header and payload and a made-up signature (or none for alg=none). */
function forgedJwt(header: Record<string, unknown>, payload: Record<string, unknown>, key?: string): string {
  const encode = (part: Record<string, unknown>) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const input = `${encode(header)}.${encode(payload)}`;
  if (header.alg === 'none') return `${input}.`;
  const signature = key ? createHmac('sha256', key).update(input).digest('base64url') : randomBytes(256).toString('base64url');
  return `${input}.${signature}`;
}

for (const dialect of dialects()) {
  describe(`checklist E, sessions and tokens (${dialect})`, () => {
    const { server, tenant } = suite(dialect);

    it('E1: no session cookie exists before sign-in, and signing in again issues a new session id: the old id signs nobody in, nor do the cookies of the finished interaction', async () => {
      const tt = await tenant();
      const { journey, page } = await begin(server(), tt);
      assert.equal(sessionCookie(journey.browser.cookies, tt), undefined, 'the authorize request and the email page set no session cookie (no pre-session)');
      const preLogin = new Map(journey.browser.cookies);
      const landed = await journey.submit(await passwordPage(journey, page, tt.email), '/password', { password: tt.password });
      assert.ok(journey.reachedApp(landed));
      const first = sessionPair(journey.browser.cookies, tt);

      // The same browser signs in again (prompt=login): a privilege change, so a new id.
      const { url, verifier } = authorizeUrl(server(), tt, { prompt: 'login' });
      const again = await journey.submit(await passwordPage(journey, await journey.open(url.href), tt.email), '/password', { password: tt.password });
      assert.ok(journey.reachedApp(again));
      assert.notEqual(sessionCookie(journey.browser.cookies, tt)?.value, first[0]?.[1], 'the session id changed at sign-in');
      const tokens = await redeem(server(), tt, new URL(again.url).searchParams.get('code') ?? '', verifier);
      assert.equal(subOf(tokens.body.id_token), tt.user.id);

      const replay = await silentSignIn(server(), tt, browserWith(first));
      assert.equal(replay.code, null, 'the old session id is dead');
      assert.equal(replay.error, 'login_required');
      const interactionOnly = browserWith(preLogin);
      assert.equal((await silentSignIn(server(), tt, interactionOnly)).error, 'login_required', 'the interaction cookies of a finished sign-in are no session');
      const stale = await interactionOnly.get(new URL(page.url, server().baseUrl).href);
      assert.equal(stale.status, 400);
      assert.match(await stale.text(), /has expired/);
    });

    /** Someone signs in, then (prompt=login) another user signs in in the same browser, confirming the account switch as a no-JavaScript user would. */
    async function switchAccounts(tt: TestTenant & { email: string }) {
      const victim = await addUser(server(), tt, GOOD_PASSWORD);
      const { journey, page } = await begin(server(), tt);
      assert.ok(journey.reachedApp(await journey.submit(await passwordPage(journey, page, tt.email), '/password', { password: tt.password })));
      const planted = sessionPair(journey.browser.cookies, tt);
      const { url, verifier } = authorizeUrl(server(), tt, { prompt: 'login' });
      const switched = await journey.submit(await passwordPage(journey, await journey.open(url.href), victim.email), '/password', { password: GOOD_PASSWORD });
      // oidc-provider first ends the session in place, with an auto-submitted form; without JavaScript one selects Continue.
      const xsrf = switched.html.match(/name="xsrf" value="([^"]+)"/)?.[1];
      const action = switched.html.match(/action="([^"]+)"/)?.[1];
      assert.ok(xsrf && action, `an account-switch form: ${switched.html.slice(0, 200)}`);
      const end = await journey.browser.follow(await journey.browser.post(action, { xsrf, logout: 'yes' }), action, server().baseUrl);
      return { victim, journey, planted, verifier, end };
    }

    it('E1: a session planted by someone else does not carry over: once the victim signs in, the planted session id signs nobody in', async () => {
      const tt = await tenant();
      const { journey, planted } = await switchAccounts(tt);
      assert.notEqual(sessionCookie(journey.browser.cookies, tt)?.value, planted[0]?.[1], 'the planted id is not kept');
      const replay = await silentSignIn(server(), tt, browserWith(planted));
      assert.equal(replay.code, null);
      assert.equal(replay.error, 'login_required', 'the planted session is over');
    });

    it('E1: signing in as another user over a live session (prompt=login) reaches the app as that user', async () => {
      const tt = await tenant();
      const { victim, verifier, end } = await switchAccounts(tt);
      assert.ok(end.url.startsWith(tt.redirectUri), `${end.response.status} at ${end.url}`);
      const tokens = await redeem(server(), tt, new URL(end.url).searchParams.get('code') ?? '', verifier);
      assert.equal(subOf(tokens.body.id_token), victim.id);
    });

    it('E1: switching accounts over a live session works in a browser with JavaScript on: the CSP allows the auto-submit script by its hash', async () => {
      const tt = await tenant();
      const victim = await addUser(server(), tt, GOOD_PASSWORD);
      const { journey, page } = await begin(server(), tt);
      await journey.submit(await passwordPage(journey, page, tt.email), '/password', { password: tt.password });
      const { url, verifier } = authorizeUrl(server(), tt, { prompt: 'login' });
      const email = await journey.open(url.href);
      const pw = await passwordPage(journey, email, victim.email);
      const response = await journey.browser.post(new URL(pw.actions.find((a) => a.endsWith('/password')) ?? '', server().baseUrl).href, { flow: pw.flow, csrf: pw.csrf, password: GOOD_PASSWORD });
      const end = await journey.browser.follow(response, server().baseUrl, server().baseUrl);
      assert.equal(end.response.status, 200, 'the account-switch step');
      const html = await end.response.text();
      const csp = end.response.headers.get('content-security-policy') ?? '';
      // A browser runs an inline script when script-src (default-src 'none' otherwise) allows
      // 'unsafe-inline' or lists the script's SHA-256; the <noscript> button is hidden from it.
      const scriptSrc = csp.split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src')) ?? '';
      const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1] ?? '');
      assert.ok(scripts.length > 0, 'the step submits itself with a script');
      for (const script of scripts) {
        const hash = `'sha256-${createHash('sha256').update(script).digest('base64')}'`;
        assert.ok(scriptSrc.includes(hash) || scriptSrc.includes("'unsafe-inline'"), `the CSP (${csp}) blocks the inline script`);
      }
      // What the script does: submit the form as it is; the journey then reaches the app as the new user.
      const xsrf = html.match(/name="xsrf" value="([^"]+)"/)?.[1];
      const action = html.match(/action="([^"]+)"/)?.[1];
      assert.ok(xsrf && action, 'an auto-submitted form');
      const confirmed = await journey.browser.post(action, { xsrf, logout: 'yes' });
      assert.equal(confirmed.headers.get('clear-site-data'), null, 'the switch keeps the cookies of the sign-in in progress');
      const landed = await journey.browser.follow(confirmed, action, server().baseUrl);
      assert.ok(landed.url.startsWith(tt.redirectUri), `${landed.response.status} at ${landed.url}`);
      const tokens = await redeem(server(), tt, new URL(landed.url).searchParams.get('code') ?? '', verifier);
      assert.equal(subOf(tokens.body.id_token), victim.id);
    });

    it('E3: session ids are 43 URL-safe random characters (258 bits), all different across 20 sign-ins, with no shared structure', async () => {
      const tt = await tenant();
      const ids = await Promise.all(
        Array.from({ length: 20 }, async () => {
          const { browser } = await signInForTokens(server(), tt, tt.email, tt.password);
          return sessionCookie(browser.cookies, tt)?.value ?? '';
        }),
      );
      for (const id of ids) assert.match(id, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(new Set(ids).size, ids.length);
      for (let position = 0; position < 43; position += 1) {
        assert.ok(new Set(ids.map((id) => id[position])).size > 5, `position ${position} barely varies`);
      }
      assert.ok(new Set(ids.join('')).size > 50, 'the ids draw on the whole alphabet');
    });

    it('E4: after logout a copied session cookie no longer signs in, and the logout clears the cookie', async () => {
      const tt = await tenant();
      const { browser, tokens } = await signInForTokens(server(), tt, tt.email, tt.password);
      const copy = sessionPair(browser.cookies, tt);
      assert.ok((await silentSignIn(server(), tt, browserWith(copy))).code, 'the copy works before logout');
      const done = await logout(server(), tt, browser, tokens.id_token);
      assert.equal(done.status, 303);
      assert.ok(done.headers.getSetCookie().some((c) => c.startsWith(`${copy[0]?.[0]}=;`) && /expires=Thu, 01 Jan 1970/i.test(c)), 'the session cookie is cleared');
      const replay = await silentSignIn(server(), tt, browserWith(copy));
      assert.equal(replay.code, null);
      assert.equal(replay.error, 'login_required', 'the session is gone on the server');
    });

    it('E4: the logout response carries Clear-Site-Data: "cookies", "storage"', async () => {
      const tt = await tenant();
      const { browser, tokens } = await signInForTokens(server(), tt, tt.email, tt.password);
      const done = await logout(server(), tt, browser, tokens.id_token);
      assert.match(done.headers.get('clear-site-data') ?? '', /"cookies".*"storage"|"storage".*"cookies"/);
    });

    it('E6: once a user is disabled, their refresh token, access token and browser session yield nothing more', async () => {
      const tt = await tenant();
      const { browser, tokens } = await signInForTokens(server(), tt, tt.email, tt.password);
      await disableUser(server(), tt.user.id);
      const refreshed = await refresh(server(), tt, tokens.refresh_token ?? '');
      assert.equal(refreshed.status, 400);
      assert.equal(refreshed.body.error, 'invalid_grant');
      assert.equal(await userinfoStatus(server(), tt, tokens.access_token), 401);
      assert.equal((await silentSignIn(server(), tt, browser)).code, null);
    });

    it("E6: a browser whose session belongs to a disabled user is asked to sign in again, without a server error", async () => {
      const tt = await tenant();
      const { browser } = await signInForTokens(server(), tt, tt.email, tt.password);
      await disableUser(server(), tt.user.id);
      const silent = await silentSignIn(server(), tt, browser);
      assert.equal(silent.error, 'login_required', `prompt=none answered ${silent.status}`);
      const { url } = authorizeUrl(server(), tt);
      const end = await browser.follow(await browser.get(url.href), url.href, server().baseUrl);
      assert.equal(end.response.status, 200, 'the sign-in page');
      assert.match(await end.response.text(), /name="email"/);
    });

    it('E7: a session idle for more than 24 hours needs a new sign-in; one used within 24 hours does not', async (t) => {
      const tt = await tenant();
      const clock = clockTravel(t);
      const { browser } = await signInForTokens(server(), tt, tt.email, tt.password);
      clock.advance(23 * HOUR);
      assert.ok((await silentSignIn(server(), tt, browser)).code, 'alive after 23 hours idle');
      clock.advance(24 * HOUR + 60_000);
      assert.equal((await silentSignIn(server(), tt, browser)).error, 'login_required', 'ended after 24 hours idle');
    });

    it('E8: a session kept active is forced to re-authenticate within 30 days', async (t) => {
      const tt = await tenant();
      const clock = clockTravel(t);
      const { browser } = await signInForTokens(server(), tt, tt.email, tt.password);
      let alive = true;
      for (let elapsed = 0; alive && elapsed <= 31 * DAY; elapsed += 20 * HOUR) {
        clock.advance(20 * HOUR);
        alive = (await silentSignIn(server(), tt, browser)).code !== null;
      }
      assert.equal(alive, false, 'still signed in after 31 days of activity');
    });

    it('E12: no session id, access, refresh or ID token appears in any URL or redirect of a sign-in; a session id in the query string is ignored', async () => {
      const tt = await tenant();
      const seen: string[] = [];
      const { journey, page } = await begin(server(), tt);
      const send = journey.browser.request.bind(journey.browser);
      journey.browser.request = async (url: string, init?: RequestInit) => {
        const response = await send(url, init);
        seen.push(url, response.headers.get('location') ?? '');
        return response;
      };
      seen.push(page.url);
      const landed = await journey.submit(await passwordPage(journey, page, tt.email), '/password', { password: tt.password });
      const tokens = await journey.tokens(landed);
      const session = sessionCookie(journey.browser.cookies, tt);
      assert.ok(session && tokens.refresh_token && tokens.id_token);
      const secrets = { session: session.value, access: tokens.access_token, refresh: tokens.refresh_token, id: tokens.id_token };
      for (const url of seen) for (const [what, secret] of Object.entries(secrets)) assert.ok(!url.includes(secret), `the ${what} token is in ${url}`);
      assert.ok(seen.some((url) => url.startsWith(tt.redirectUri) && url.includes('code=')), 'only the code travels in the URL');

      const pair = sessionPair(journey.browser.cookies, tt);
      const viaQuery = await silentSignIn(server(), tt, browserWith([]), Object.fromEntries(pair));
      assert.equal(viaQuery.code, null, 'a session id in the query string signs nobody in');
      assert.equal(viaQuery.error, 'login_required');
    });

    it('E13: replaying a rotated refresh token fails and revokes its successor and the successor’s access token', async () => {
      const tt = await tenant();
      const { tokens } = await signInForTokens(server(), tt, tt.email, tt.password);
      const first = await refresh(server(), tt, tokens.refresh_token ?? '');
      assert.equal(first.status, 200);
      assert.notEqual(first.body.refresh_token, tokens.refresh_token);
      const replay = await refresh(server(), tt, tokens.refresh_token ?? '');
      assert.equal(replay.body.error, 'invalid_grant');
      const successor = await refresh(server(), tt, first.body.refresh_token ?? '');
      assert.equal(successor.body.error, 'invalid_grant', 'the whole family is revoked');
      assert.equal(await userinfoStatus(server(), tt, first.body.access_token ?? ''), 401);
    });

    it('E15: a refresh token rotated every few weeks still ends with its grant, 90 days after sign-in', async (t) => {
      const tt = await tenant();
      const clock = clockTravel(t);
      const { tokens } = await signInForTokens(server(), tt, tt.email, tt.password);
      let current = tokens.refresh_token ?? '';
      for (const step of [30, 30, 29]) {
        clock.advance(step * DAY);
        const rotated = await refresh(server(), tt, current);
        assert.equal(rotated.status, 200, `refresh after ${step} more days`);
        current = rotated.body.refresh_token ?? '';
      }
      clock.advance(2 * DAY);
      const late = await refresh(server(), tt, current);
      assert.equal(late.body.error, 'invalid_grant', 'day 91: the sliding refresh token does not outlive the grant');
    });

    it('E16: a revoked refresh token or access token stops working; another app cannot revoke them', async () => {
      const tt = await tenant();
      const { app: otherApp } = await server().latchkey.services.apps.create({ tenantId: tt.tenant.id, name: 'Other app', type: 'public', redirectUris: [tt.redirectUri] });
      const revoke = (token: string, clientId: string) =>
        fetch(endpointsOf(server(), tt).revoke, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token, client_id: clientId }).toString() });
      const { tokens } = await signInForTokens(server(), tt, tt.email, tt.password);
      await (await revoke(tokens.refresh_token ?? '', otherApp.id)).text();
      await (await revoke(tokens.access_token, otherApp.id)).text();
      assert.equal(await userinfoStatus(server(), tt, tokens.access_token), 200, "another app's revocation did nothing");
      const stillGood = await refresh(server(), tt, tokens.refresh_token ?? '');
      assert.equal(stillGood.status, 200);

      const mine = await revoke(stillGood.body.access_token ?? '', tt.app.id);
      assert.equal(mine.status, 200);
      assert.equal(await userinfoStatus(server(), tt, stillGood.body.access_token ?? ''), 401);
      assert.equal((await revoke(stillGood.body.refresh_token ?? '', tt.app.id)).status, 200);
      assert.equal((await refresh(server(), tt, stillGood.body.refresh_token ?? '')).body.error, 'invalid_grant');
    });

    it('E17/E18: userinfo refuses forged JWTs (alg none, HS256 keyed with the public key, unknown kid, jku/jwk/x5u headers, expired) and ID or refresh tokens used as Bearer tokens', async () => {
      const tt = await tenant();
      const { tokens } = await signInForTokens(server(), tt, tt.email, tt.password);
      const jwks = (await (await fetch(endpointsOf(server(), tt).jwks)).json()) as { keys: { kid: string; n: string }[] };
      const key = jwks.keys[0];
      assert.ok(key);
      const now = Math.floor(Date.now() / 1000);
      const claims = { iss: tt.issuer, sub: tt.user.id, aud: tt.app.id, iat: now, exp: now + 3600, scope: 'openid' };
      const forged = {
        'alg none': forgedJwt({ alg: 'none', typ: 'JWT' }, claims),
        'HS256 with the public key': forgedJwt({ alg: 'HS256', kid: key.kid }, claims, JSON.stringify(key)),
        'HS256 with the modulus': forgedJwt({ alg: 'HS256', kid: key.kid }, claims, key.n),
        'unknown kid': forgedJwt({ alg: 'RS256', kid: 'not-a-known-kid' }, claims),
        'jku elsewhere': forgedJwt({ alg: 'RS256', jku: 'https://evil.example/jwks.json', kid: 'evil' }, claims),
        'embedded jwk': forgedJwt({ alg: 'RS256', jwk: { kty: 'RSA', n: key.n, e: 'AQAB' } }, claims),
        'x5u elsewhere': forgedJwt({ alg: 'RS256', x5u: 'https://evil.example/cert.pem' }, claims),
        expired: forgedJwt({ alg: 'RS256', kid: key.kid }, { ...claims, iat: now - 7200, exp: now - 3600 }),
        'ID token': tokens.id_token,
        'refresh token': tokens.refresh_token ?? '',
      };
      for (const [what, token] of Object.entries(forged)) assert.equal(await userinfoStatus(server(), tt, token), 401, what);
      assert.equal(await userinfoStatus(server(), tt, tokens.access_token), 200, 'the real access token works');
    });
  });

  describe(`checklist E2, cookies under an https base URL (${dialect})`, () => {
    const PUBLIC = 'https://idp.example.test';
    const { server } = suite(dialect, { env: { LATCHKEY_BASE_URL: PUBLIC } });

    /** Walks a sign-in and a logout over the plain-HTTP hop behind TLS termination, keeping every Set-Cookie line. */
    async function walk(tt: TestTenant) {
      const local = `http://127.0.0.1:${server().env.PORT}`;
      const browser = new HttpBrowser();
      const lines: string[] = [];
      const proxied = (url: string) => url.replace(PUBLIC, local);
      // What a TLS-terminating proxy adds on every request it forwards.
      const send = async (url: string, init: RequestInit = {}) => {
        const response = await browser.request(proxied(url), { ...init, headers: { ...(init.headers as Record<string, string>), 'x-forwarded-proto': 'https' } });
        lines.push(...response.headers.getSetCookie());
        return response;
      };
      const follow = async (response: Response, from: string) => {
        let current = response;
        let url = from;
        for (let hops = 0; hops < 10 && current.status >= 300 && current.status < 400; hops++) {
          url = new URL(current.headers.get('location') ?? '', url).href;
          if (!url.startsWith(PUBLIC) && !url.startsWith(local)) break;
          current = await send(url);
        }
        return { response: current, url };
      };
      const post = async (html: string, from: string, suffix: string, fields: Record<string, string>) => {
        const form = formFields(html);
        const action = new URL(form.actions.find((a) => a.endsWith(suffix)) ?? '', from).href;
        const response = await send(action, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ flow: form.flow, csrf: form.csrf, ...fields }).toString(),
        });
        return follow(response, action);
      };
      const { url, verifier } = authorizeUrl({ ...server(), baseUrl: PUBLIC }, tt, { scope: 'openid' });
      const emailStep = await follow(await send(url.href), url.href);
      assert.equal(emailStep.response.status, 200, 'the email page');
      const passwordStep = await post(await emailStep.response.text(), emailStep.url, '/email', { email: tt.user.email });
      const done = await post(await passwordStep.response.text(), passwordStep.url, '/password', { password: tt.password });
      assert.ok(done.url.startsWith(tt.redirectUri), `signed in: ${done.url}`);
      const code = new URL(done.url).searchParams.get('code') ?? '';
      const tokens = await tokenRequest({ ...server(), baseUrl: local }, tt, { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: tt.redirectUri });
      const logoutUrl = new URL(endpointsOf({ ...server(), baseUrl: PUBLIC }, tt).logout);
      logoutUrl.searchParams.set('id_token_hint', tokens.body.id_token ?? '');
      const confirm = await send(logoutUrl.href);
      const page = await confirm.text();
      const xsrf = page.match(/name="xsrf" value="([^"]+)"/)?.[1] ?? '';
      const action = page.match(/action="([^"]+)"/)?.[1] ?? '';
      await send(new URL(action, PUBLIC).href, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ xsrf, logout: 'yes' }).toString() });
      return lines;
    }

    const attributes = (line: string) => line.split(';').slice(1).map((a) => a.trim().toLowerCase());

    it('E2: every cookie of a sign-in and a logout is __Secure- prefixed, Secure, HttpOnly, SameSite=Lax, without Domain; the session cookie has Path=/', async () => {
      const tt = await createTestTenant(server(), { redirectUri: 'https://app.example/cb' });
      const lines = await walk(tt);
      const names = new Set(lines.map((l) => l.slice(0, l.indexOf('='))));
      assert.ok([...names].some((n) => n.endsWith(`lk_session_${tt.tenant.name}`)), `a session cookie among ${[...names]}`);
      for (const line of lines) {
        const attrs = attributes(line);
        assert.match(line, /^__(Secure|Host)-/, line);
        assert.ok(attrs.includes('secure'), `Secure: ${line}`);
        assert.ok(attrs.includes('httponly'), `HttpOnly: ${line}`);
        assert.ok(attrs.includes('samesite=lax') || attrs.includes('samesite=strict'), `SameSite: ${line}`);
        assert.ok(!attrs.some((a) => a.startsWith('domain=')), `no Domain: ${line}`);
        if (line.includes(`lk_session_${tt.tenant.name}`)) assert.ok(attrs.includes('path=/'), `Path=/: ${line}`);
      }
    });

    it('E2: the session cookie carries the __Host- prefix', async () => {
      const tt = await createTestTenant(server(), { redirectUri: 'https://app.example/cb' });
      const lines = await walk(tt);
      assert.ok(lines.some((l) => l.startsWith(`__Host-lk_session_${tt.tenant.name}=`)), lines.map((l) => l.slice(0, l.indexOf('='))).join(', '));
    });
  });
}
