import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { formFields, HttpBrowser } from '../../fixtures/http-browser.ts';
import { dialects, freePort } from '../../fixtures/server.ts';
import {
  type Answer,
  capture,
  capturePost,
  cspOf,
  inlineScripts,
  isDeletion,
  mailCount,
  mailedCode,
  parseSetCookie,
  setUp,
  sha256Source,
  shapeOf,
} from './support.ts';
import { authorizeUrl, begin, landOn, NEW_PASSWORD, on, signInForTokens, visitEverything } from './visit.ts';

/**
 * Section G of the security checklist on every kind of page and endpoint, over HTTP: the
 * security headers (G2–G5, G7, G8), cookie attributes and prefixes, HSTS only under https (G1),
 * 303 after every POST, CSRF on every hosted form (G10) and the expired page without the
 * interaction cookie; and A1 on cookies: an existing and an unknown email get the same
 * Set-Cookie names and the same redirects.
 */

/** The headers every answer carries; HSTS exactly when the base URL is https. */
function assertHeaders(answer: Answer, https: boolean) {
  const where = `${answer.name} (${answer.status} ${answer.url})`;
  const csp = cspOf(answer);
  assert.ok(csp.size > 0, `${where}: no Content-Security-Policy`);
  assert.deepEqual(csp.get('frame-ancestors'), ["'none'"], `${where}: frame-ancestors`);
  assert.deepEqual(csp.get('base-uri'), ["'none'"], `${where}: base-uri`);
  const scripts = csp.get('script-src') ?? csp.get('default-src');
  assert.ok(scripts, `${where}: the CSP does not limit scripts`);
  for (const sources of csp.values()) {
    assert.ok(
      !sources.includes("'unsafe-inline'") && !sources.includes("'unsafe-eval'"),
      `${where}: unsafe CSP source in ${answer.headers.get('content-security-policy')}`,
    );
  }
  assert.ok((csp.get('object-src') ?? csp.get('default-src'))?.includes("'none'"), `${where}: object-src 'none'`);
  assert.equal(answer.headers.get('x-frame-options'), 'DENY', `${where}: X-Frame-Options`);
  assert.equal(answer.headers.get('x-content-type-options'), 'nosniff', `${where}: X-Content-Type-Options`);
  assert.equal(answer.headers.get('referrer-policy'), 'no-referrer', `${where}: Referrer-Policy`);
  assert.equal(answer.headers.get('x-powered-by'), null, `${where}: X-Powered-By`);
  assert.doesNotMatch(answer.headers.get('server') ?? '', /\d/, `${where}: Server reveals a version`);
  const hsts = answer.headers.get('strict-transport-security');
  if (https) {
    assert.ok(Number(/max-age=(\d+)/i.exec(hsts ?? '')?.[1]) >= 31_536_000 && /includeSubDomains/i.test(hsts ?? ''), `${where}: HSTS ${hsts}`);
  } else assert.equal(hsts, null, `${where}: HSTS over plain http`);
  const type = answer.headers.get('content-type') ?? '';
  if (/html/.test(type)) assert.equal(answer.headers.get('cross-origin-opener-policy'), 'same-origin', `${where}: COOP`);
  if (answer.body.length > 0 && answer.status !== 204) assert.match(type, /charset=utf-8/i, `${where}: Content-Type with charset`);
}

/** HttpOnly, SameSite=Lax and signed; Secure with a __Secure-/__Host- prefix under https. */
function assertCookies(answers: Answer[], https: boolean) {
  const set = answers.flatMap((a) => a.headers.getSetCookie().map((line) => ({ answer: a, cookie: parseSetCookie(line) })));
  assert.ok(set.length > 0, 'some answers set cookies');
  const names = new Set(set.map((s) => s.cookie.name));
  for (const { answer, cookie } of set) {
    if (isDeletion(cookie)) continue;
    const where = `${cookie.name} set by ${answer.name}`;
    assert.ok(cookie.attributes.has('httponly'), `${where}: HttpOnly (${cookie.line})`);
    assert.equal(cookie.attributes.get('samesite')?.toLowerCase(), 'lax', `${where}: SameSite=Lax`);
    const bare = cookie.name.replace(/\.sig$/, '');
    // oidc-provider signs with a companion `<name>.sig` cookie; @fastify/cookie appends `.<signature>`.
    const signed = names.has(`${bare}.sig`) || /\.[A-Za-z0-9_\-+/]{27,}=*$/.test(decodeURIComponent(cookie.value));
    assert.ok(signed, `${where}: signed`);
    if (https) {
      assert.ok(cookie.attributes.has('secure'), `${where}: Secure`);
      assert.match(cookie.name, /^__(Secure|Host)-/, `${where}: __Secure-/__Host- prefix`);
    } else {
      assert.ok(!/^__(Secure|Host)-/.test(cookie.name), `${where}: prefix without https`);
    }
  }
}

for (const dialect of dialects()) {
  describe(`security headers, cookies and CSRF on every page (${dialect})`, () => {
    it('G2–G8: every page and endpoint kind carries the security headers; auth pages and token answers are not cached; no HSTS over http', async (t) => {
      const answers = await visitEverything(await setUp(t, dialect));
      for (const answer of answers) {
        await t.test(`${answer.name} (${answer.status})`, () => {
          assertHeaders(answer, false);
          if (answer.noStore) assert.match(answer.headers.get('cache-control') ?? '', /no-store/, `${answer.name}: Cache-Control`);
        });
      }
    });

    it('cookies are HttpOnly, SameSite=Lax and signed, and carry no __Secure- prefix over plain http', async (t) => {
      const h = await setUp(t, dialect);
      const answers: Answer[] = await visitEverything(h);
      const demoUser = h.server.latchkey.seed.demoUser;
      assert.ok(demoUser, 'the demo user of the seed');
      answers.push(...(await demoSignIn(h.server.baseUrl, demoUser)));
      assertCookies(answers, false);
    });

    it('a tampered signed cookie is worth nothing: the interaction cookie, and the demo app’s login cookie', async (t) => {
      const { server, tt } = await setUp(t, dialect);
      const journey = await begin(server, tt);
      const tampered = new HttpBrowser();
      for (const [name, value] of journey.browser.cookies) tampered.cookies.set(name, name.endsWith('.sig') ? `${value.slice(0, -2)}xx` : value);
      const refused = await capturePost(tampered, 'POST email (tampered cookie)', `${journey.base}/email`, {
        flow: journey.form.flow,
        csrf: journey.form.csrf,
        email: tt.user.email,
      });
      assert.equal(refused.status, 400);
      assert.match(refused.body, /has expired/);

      const demo = new HttpBrowser();
      await demo.post(`${server.baseUrl}/demo/login`, {});
      const login = demo.cookies.get('demo_login') ?? '';
      demo.cookies.set(
        'demo_login',
        login.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
      );
      const callback = await capture(demo, 'demo callback (tampered)', `${server.baseUrl}/demo/callback?code=x&state=y`);
      assert.equal(callback.status, 400);
      assert.match(callback.body, /not started here/);
    });

    it('every POST of a hosted form, of the demo app and of the logout confirmation answers 303', async (t) => {
      const h = await setUp(t, dialect);
      const statuses = await postEveryForm(h);
      for (const [route, status] of statuses) assert.equal(status, 303, `POST ${route} answered ${status}`);
      assert.ok(statuses.size >= 16, `only ${statuses.size} routes posted`);
    });

    it('G10: a wrong or missing CSRF token is refused (403/400) and changes nothing', async (t) => {
      const { server, tt } = await setUp(t, dialect);
      const { store } = server.latchkey.services.deps;
      const j = await begin(server, tt);
      const wrong = (csrf: string) => `${csrf.slice(0, -1)}${csrf.endsWith('A') ? 'B' : 'A'}`;
      // Email step: neither a wrong nor a missing token moves the flow.
      const bad = await capturePost(
        j.browser,
        'wrong csrf',
        `${j.base}/email`,
        { flow: j.form.flow, csrf: wrong(j.form.csrf), email: tt.user.email },
        { origin: 'https://evil.example' },
      );
      assert.equal(bad.status, 403);
      assert.match(bad.body, /<!doctype html>/i);
      const missing = await capturePost(j.browser, 'no csrf', `${j.base}/email`, { flow: j.form.flow, email: tt.user.email });
      assert.equal(missing.status, 400);
      assert.equal((await store.flows.find(j.form.flow as never))?.state, 'awaiting_email');
      // Password step: the right password with a wrong token signs nobody in and logs nothing.
      const toPassword = await capturePost(j.browser, 'email', `${j.base}/email`, { flow: j.form.flow, csrf: j.form.csrf, email: tt.user.email });
      assert.equal(toPassword.status, 303);
      const before = (await store.signInLog.list(tt.tenant.id, 50)).length;
      const forged = await capturePost(j.browser, 'password, wrong csrf', `${j.base}/password`, {
        flow: j.form.flow,
        csrf: wrong(j.form.csrf),
        password: tt.password,
      });
      assert.equal(forged.status, 403);
      assert.equal((await store.flows.find(j.form.flow as never))?.state, 'awaiting_password');
      assert.equal((await store.signInLog.list(tt.tenant.id, 50)).length, before, 'no sign-in attempt was logged');
      // Reset code: a forged submission of the right code neither uses it up nor counts a failure.
      const forgot = await capturePost(j.browser, 'forgot', `${j.base}/forgot`, { flow: j.form.flow, csrf: j.form.csrf });
      const reset = formFields((await landOn(j.browser, server, 'reset page', forgot)).body);
      const code = await mailedCode(server, tt.user.email);
      const forgedCode = await capturePost(j.browser, 'reset code, wrong csrf', `${j.base}/reset/code`, { flow: reset.flow, csrf: wrong(reset.csrf), code });
      assert.equal(forgedCode.status, 403);
      assert.equal((await store.passcodes.find(reset.flow as never))?.failedAttempts, 0);
      const real = await capturePost(j.browser, 'reset code', `${j.base}/reset/code`, { flow: reset.flow, csrf: reset.csrf, code });
      assert.match((await landOn(j.browser, server, 'after code', real)).body, /new password/i, 'the code still works');
      // Sign-up email: a forged submission mails nothing.
      const signUp = formFields((await capture(j.browser, 'sign-up', `${j.base}/sign-up`)).body);
      const address = `forged-${randomBytes(3).toString('hex')}@example.com`;
      const forgedSignUp = await capturePost(j.browser, 'sign-up, wrong csrf', `${j.base}/sign-up/email`, {
        flow: signUp.flow,
        csrf: wrong(signUp.csrf),
        email: address,
      });
      assert.equal(forgedSignUp.status, 403);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(mailCount(server, address), 0);
      assert.equal((await store.flows.find(signUp.flow as never))?.state, 'awaiting_email');
    });

    it('a POST without the interaction cookie, on every journey route, gets the "expired" page', async (t) => {
      const h = await setUp(t, dialect);
      const j = await begin(h.server, h.tt);
      const stranger = new HttpBrowser();
      for (const route of [
        '/email',
        '/password',
        '/change-email',
        '/forgot',
        '/use-code',
        '/reset/code',
        '/reset/resend',
        '/reset/password',
        '/sign-up/email',
        '/sign-up/code',
        '/sign-up/resend',
        '/sign-up/details',
        '/code/verify',
        '/code/resend',
      ]) {
        const answer = await capturePost(stranger, route, `${j.base}${route}`, {
          flow: j.form.flow,
          csrf: j.form.csrf,
          email: h.tt.user.email,
          code: '12345678',
          password: 'x',
          confirm: 'x',
        });
        assert.equal(answer.status, 400, `${route}: ${answer.status}`);
        assert.match(answer.body, /This sign-in page has expired/, route);
        assertHeaders(answer, false);
      }
      assert.equal((await h.server.latchkey.services.deps.store.flows.find(j.form.flow as never))?.state, 'awaiting_email');
    });

    it('A1: an existing and an unknown email get the same Set-Cookie names and the same redirects, step by step', async (t) => {
      const { server, tt } = await setUp(t, dialect);
      const walk = async (email: string) => {
        const steps: string[] = [];
        const j = await begin(server, tt);
        const record = (a: Answer) =>
          steps.push(
            `${a.name}: ${a.status} → ${shapeOf(a.headers.get('location'))} cookies [${a.headers
              .getSetCookie()
              .map((l) => parseSetCookie(l).name)
              .sort()
              .join(', ')}]`,
          );
        record(j.authorize);
        record(j.page);
        const toPassword = await capturePost(j.browser, 'POST email', `${j.base}/email`, { flow: j.form.flow, csrf: j.form.csrf, email });
        record(toPassword);
        record(await landOn(j.browser, server, 'password page', toPassword));
        const wrong = await capturePost(j.browser, 'POST wrong password', `${j.base}/password`, {
          flow: j.form.flow,
          csrf: j.form.csrf,
          password: 'not the password 1',
        });
        record(wrong);
        record(await landOn(j.browser, server, 'password page again', wrong));
        const forgot = await capturePost(j.browser, 'POST forgot', `${j.base}/forgot`, { flow: j.form.flow, csrf: j.form.csrf });
        record(forgot);
        record(await landOn(j.browser, server, 'reset page', forgot));
        return steps;
      };
      assert.deepEqual(await walk(tt.user.email), await walk(`nobody-${randomBytes(3).toString('hex')}@example.com`));
    });

    it('pages that carry an inline script allow exactly that script by a CSP hash (else the page is dead in a browser)', async (t) => {
      const h = await setUp(t, dialect);
      const answers = await visitEverything(h);
      // An app asking for response_mode=form_post gets oidc-provider's auto-submitting form.
      const { browser } = await signInForTokens(h.server, h.confidential);
      const silent = await capture(
        browser,
        'form_post authorization response',
        authorizeUrl(h.server, h.confidential, { response_mode: 'form_post', prompt: 'none' }).url.href,
      );
      assert.equal(silent.status, 200, `form_post: ${silent.status} ${silent.body.slice(0, 200)}`);
      answers.push({ ...silent, noStore: true });
      const blocked = answers.flatMap((answer) => {
        const allowed = cspOf(answer).get('script-src') ?? cspOf(answer).get('default-src') ?? [];
        return inlineScripts(answer.body).some((script) => !allowed.includes(sha256Source(script)))
          ? [`${answer.name} (CSP: ${answer.headers.get('content-security-policy')})`]
          : [];
      });
      assert.deepEqual(
        blocked,
        [],
        'these pages submit themselves with an inline script that their CSP blocks, and their <noscript> button is not shown either',
      );
    });
  });
}

describe('under an https base URL (TLS ends at a proxy; requests reach the plain listener)', () => {
  it('G1: HSTS on every answer; cookies Secure with a __Secure-/__Host- prefix', async (t) => {
    const port = await freePort();
    const h = await setUp(t, dialects()[0] ?? 'sqlite', { seedDemo: false, env: { PORT: String(port), LATCHKEY_BASE_URL: `https://localhost:${port}` } });
    // Requests go to the plain listener; the fixtures build URLs from baseUrl.
    h.server.baseUrl = `http://127.0.0.1:${port}`;
    const answers = await visitHttpsKinds(h);
    for (const answer of answers) assertHeaders(answer, true);
    assertCookies(answers, true);
  });
});

/** The journey pages, errors and endpoints that work without the demo app (which cannot discover itself over https here). */
async function visitHttpsKinds(h: Awaited<ReturnType<typeof setUp>>): Promise<Answer[]> {
  const { server, tt } = h;
  const j = await begin(server, tt);
  const posted = await capturePost(j.browser, 'POST email', `${j.base}/email`, { flow: j.form.flow, csrf: j.form.csrf, email: tt.user.email });
  const password = await landOn(j.browser, server, 'password page', posted);
  const tokens = await signInForTokens(server, h.confidential);
  const stranger = new HttpBrowser();
  const api = `${server.baseUrl}/${tt.tenant.name}`;
  return [
    j.authorize,
    j.page,
    posted,
    password,
    tokens.answer,
    await capture(tokens.browser, 'session cookie holder', `${api}/oauth2/v2.0/logout?client_id=${h.confidential.app.id}`),
    await capture(stranger, '404 page', `${server.baseUrl}/nope`),
    await capture(stranger, 'discovery', `${api}/v2.0/.well-known/openid-configuration`),
    await capture(stranger, 'JWKS', `${api}/discovery/v2.0/keys`),
    await capture(stranger, 'health', `${server.baseUrl}/health`),
    await capturePost(stranger, 'expired page', `${j.base}/email`, { flow: j.form.flow, csrf: j.form.csrf }),
    ...(await signInAnswers(server.baseUrl, h)),
  ];
}

/** The answers of a whole sign-in, so the session cookie (set at the end) is among them. */
async function signInAnswers(baseUrl: string, h: Awaited<ReturnType<typeof setUp>>): Promise<Answer[]> {
  const j = await begin(h.server, h.confidential);
  const out: Answer[] = [];
  out.push(await capturePost(j.browser, 'POST email', `${j.base}/email`, { flow: j.form.flow, csrf: j.form.csrf, email: h.tt.user.email }));
  let answer = await capturePost(j.browser, 'POST password', `${j.base}/password`, { flow: j.form.flow, csrf: j.form.csrf, password: h.tt.password });
  out.push(answer);
  for (let hops = 0; hops < 6 && answer.status >= 300 && answer.status < 400; hops++) {
    const next = new URL(answer.headers.get('location') ?? '/', baseUrl);
    if (next.pathname.endsWith('/callback')) break;
    answer = await capture(j.browser, `hop ${hops}`, on(h.server, next.href));
    out.push(answer);
  }
  assert.ok(
    out.some((a) => a.headers.getSetCookie().some((l) => /lk_session/.test(l))),
    'the sign-in set a session cookie',
  );
  return out;
}

/** The demo app's own sign-in, so its session cookie is checked too. */
async function demoSignIn(baseUrl: string, user: { email: string; password: string }): Promise<Answer[]> {
  const browser = new HttpBrowser();
  const out: Answer[] = [await capturePost(browser, 'POST demo login', `${baseUrl}/demo/login`, {})];
  let answer = await capture(browser, 'authorize', out[0]?.headers.get('location') ?? '');
  const page = await capture(browser, 'email page', new URL(answer.headers.get('location') ?? '/', baseUrl).href);
  const form = formFields(page.body);
  const base = page.url.split('?')[0];
  await capturePost(browser, 'email', `${base}/email`, { flow: form.flow, csrf: form.csrf, email: user.email });
  answer = await capturePost(browser, 'password', `${base}/password`, { flow: form.flow, csrf: form.csrf, password: user.password });
  for (let hops = 0; hops < 8 && answer.status >= 300 && answer.status < 400; hops++) {
    answer = await capture(browser, `demo hop ${hops}`, new URL(answer.headers.get('location') ?? '/', baseUrl).href);
    out.push(answer);
  }
  assert.ok(browser.cookies.has('demo_session'), `the demo sign-in ended with a session: ${answer.status} ${answer.body.slice(0, 200)}`);
  return out;
}

/** POSTs each form once from a state where it applies; returns route → status. */
async function postEveryForm(h: Awaited<ReturnType<typeof setUp>>): Promise<Map<string, number>> {
  const { server, tt } = h;
  const statuses = new Map<string, number>();
  const post = async (browser: HttpBrowser, route: string, url: string, form: Record<string, string>) => {
    const answer = await capturePost(browser, route, url, form);
    statuses.set(route, answer.status);
    return answer;
  };
  // First the logout confirmation, while the user's password is still the one the fixture knows.
  const tokens = await signInForTokens(server, h.confidential);
  const api = `${server.baseUrl}/${tt.tenant.name}/oauth2/v2.0`;
  const confirm = await capture(tokens.browser, 'logout', `${api}/logout?client_id=${h.confidential.app.id}`);
  await post(tokens.browser, '/logout/confirm', `${api}/logout/confirm`, { xsrf: confirm.body.match(/name="xsrf" value="([^"]+)"/)?.[1] ?? '', logout: 'yes' });
  const j = await begin(server, tt);
  const f = { flow: j.form.flow, csrf: j.form.csrf };
  await post(j.browser, '/email', `${j.base}/email`, { ...f, email: tt.user.email });
  await post(j.browser, '/password (wrong)', `${j.base}/password`, { ...f, password: 'wrong password 1' });
  await post(j.browser, '/change-email', `${j.base}/change-email`, f);
  await post(j.browser, '/email', `${j.base}/email`, { ...f, email: tt.user.email });
  const forgot = await post(j.browser, '/forgot', `${j.base}/forgot`, f);
  const reset = formFields((await landOn(j.browser, server, 'reset', forgot)).body);
  const r = { flow: reset.flow, csrf: reset.csrf };
  await post(j.browser, '/reset/code (wrong)', `${j.base}/reset/code`, { ...r, code: '00000000' });
  await post(j.browser, '/reset/resend', `${j.base}/reset/resend`, r);
  await post(j.browser, '/reset/code', `${j.base}/reset/code`, { ...r, code: await mailedCode(server, tt.user.email) });
  await post(j.browser, '/reset/password', `${j.base}/reset/password`, { ...r, password: NEW_PASSWORD, confirm: NEW_PASSWORD });
  const k = await begin(server, tt);
  const g = { flow: k.form.flow, csrf: k.form.csrf };
  await post(k.browser, '/email', `${k.base}/email`, { ...g, email: tt.user.email });
  await post(k.browser, '/use-code', `${k.base}/use-code`, g);
  const s = formFields((await capture(k.browser, 'sign-up', `${k.base}/sign-up`)).body);
  const su = { flow: s.flow, csrf: s.csrf };
  const address = `new-${randomBytes(3).toString('hex')}@example.com`;
  await post(k.browser, '/sign-up/email', `${k.base}/sign-up/email`, { ...su, email: address });
  await post(k.browser, '/sign-up/resend', `${k.base}/sign-up/resend`, su);
  await post(k.browser, '/sign-up/code', `${k.base}/sign-up/code`, { ...su, code: await mailedCode(server, address) });
  await post(k.browser, '/sign-up/details', `${k.base}/sign-up/details`, { ...su, password: NEW_PASSWORD, confirm: NEW_PASSWORD, displayName: 'New User' });
  const p = await begin(server, h.passcodeOnly);
  const sent = await capturePost(p.browser, 'email', `${p.base}/email`, { flow: p.form.flow, csrf: p.form.csrf, email: tt.user.email });
  const code = formFields((await landOn(p.browser, server, 'code', sent)).body);
  await post(p.browser, '/code/resend', `${p.base}/code/resend`, { flow: code.flow, csrf: code.csrf });
  await post(p.browser, '/code/verify', `${p.base}/code/verify`, { flow: code.flow, csrf: code.csrf, code: '00000000' });
  const demo = new HttpBrowser();
  await post(demo, '/demo/login', `${server.baseUrl}/demo/login`, {});
  await post(demo, '/demo/logout', `${server.baseUrl}/demo/logout`, {});
  return statuses;
}
