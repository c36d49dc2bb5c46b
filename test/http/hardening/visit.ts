import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { formFields, HttpBrowser } from '../../fixtures/http-browser.ts';
import type { TestServer } from '../../fixtures/server.ts';
import type { TestTenant } from '../../fixtures/tenants.ts';
import { type Answer, capture, capturePost, type Hardening, mailedCode } from './support.ts';

/**
 * Walks every kind of page and endpoint the server has, as a browser and as an app would, and
 * keeps each answer: the hosted journey pages at every step, their error pages, 404s, the demo
 * app, the dev mailbox, discovery, JWKS, token, userinfo and logout.
 */

/** An answer and what the checks expect of it. */
export interface Visited extends Answer {
  /** An auth page or a token/userinfo answer: must not be cached. */
  noStore: boolean;
}

const NEW_PASSWORD = 'Quartz-lantern 4 orbit';

/**
 * The URL to request for a Location the server sent. Under an https base URL the server names
 * itself https://…; the requests still go to its plain listener (TLS would end at a proxy).
 */
export function on(server: TestServer, location: string): string {
  const url = new URL(location, server.baseUrl);
  const listener = new URL(server.baseUrl);
  return url.port === listener.port ? `${server.baseUrl}${url.pathname}${url.search}` : url.href;
}

/** An authorization request of `tt`'s app (code flow, PKCE S256), with `params` added or overriding. */
export function authorizeUrl(server: TestServer, tt: TestTenant, params: Record<string, string> = {}) {
  const verifier = randomBytes(32).toString('base64url');
  const url = new URL(`${server.baseUrl}/${tt.tenant.name}/oauth2/v2.0/authorize`);
  const query = {
    client_id: tt.app.id,
    redirect_uri: tt.redirectUri,
    response_type: 'code',
    scope: 'openid profile email',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    state: randomBytes(8).toString('base64url'),
    nonce: randomBytes(8).toString('base64url'),
    ...params,
  };
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  return { url, verifier };
}

/** A browser that starts an authorization request (PKCE) for `tt` and lands on the first hosted page. */
export async function begin(server: TestServer, tt: TestTenant, browser = new HttpBrowser(), params: Record<string, string> = {}) {
  const { url, verifier } = authorizeUrl(server, tt, params);
  const authorize = await capture(browser, 'authorize redirect', url.href);
  const location = authorize.headers.get('location');
  assert.ok(location, `authorize answered ${authorize.status} ${authorize.body.slice(0, 200)}`);
  const pageUrl = on(server, location);
  const page = await capture(browser, 'email page', pageUrl);
  const base = pageUrl.split('?')[0] ?? pageUrl;
  return { browser, verifier, authorize, page, base, form: formFields(page.body) };
}

/** Follows a 303 of a form POST to the page it names. */
export async function landOn(browser: HttpBrowser, server: TestServer, name: string, posted: Answer): Promise<Answer> {
  assert.equal(posted.status, 303, `${posted.name}: ${posted.status} ${posted.body.slice(0, 200)}`);
  return capture(browser, name, on(server, posted.headers.get('location') ?? '/'));
}

/** Every page and endpoint kind, each answer captured once. */
export async function visitEverything(h: Hardening): Promise<Visited[]> {
  const { server, tt } = h;
  const out: Visited[] = [];
  const keep = (answer: Answer, noStore: boolean) => {
    out.push({ ...answer, noStore });
    return answer;
  };
  const api = `${server.baseUrl}/${tt.tenant.name}`;

  // Sign-in, then reset: email page → password page → reset "Enter code" → "New password".
  const signIn = await begin(server, tt);
  keep(signIn.authorize, true);
  keep(signIn.page, true);
  const email = tt.user.email;
  const posted = await capturePost(signIn.browser, 'POST email', `${signIn.base}/email`, { ...pick(signIn.form), email });
  const passwordPage = keep(await landOn(signIn.browser, server, 'password page', posted), true);
  const forgot = await capturePost(signIn.browser, 'POST forgot', `${signIn.base}/forgot`, pick(formFields(passwordPage.body)));
  const resetCode = keep(await landOn(signIn.browser, server, 'reset: enter code page', forgot), true);
  const codeSent = await capturePost(signIn.browser, 'POST reset code', `${signIn.base}/reset/code`, {
    ...pick(formFields(resetCode.body)),
    code: await mailedCode(server, email),
  });
  keep(await landOn(signIn.browser, server, 'reset: new password page', codeSent), true);

  // Sign-up: email → "Enter code" → details.
  const signUp = await begin(server, tt);
  const signUpPage = keep(await capture(signUp.browser, 'sign-up: email page', `${signUp.base}/sign-up`), true);
  const newAddress = `new-${randomBytes(4).toString('hex')}@example.com`;
  const signUpSent = await capturePost(signUp.browser, 'POST sign-up email', `${signUp.base}/sign-up/email`, {
    ...pick(formFields(signUpPage.body)),
    email: newAddress,
  });
  const signUpCode = keep(await landOn(signUp.browser, server, 'sign-up: enter code page', signUpSent), true);
  const verified = await capturePost(signUp.browser, 'POST sign-up code', `${signUp.base}/sign-up/code`, {
    ...pick(formFields(signUpCode.body)),
    code: await mailedCode(server, newAddress),
  });
  keep(await landOn(signUp.browser, server, 'sign-up: details page', verified), true);

  // Passcode sign-in: the "Enter code" page.
  const passcode = await begin(server, h.passcodeOnly);
  const passcodeSent = await capturePost(passcode.browser, 'POST email (passcode)', `${passcode.base}/email`, { ...pick(passcode.form), email });
  keep(await landOn(passcode.browser, server, 'passcode: enter code page', passcodeSent), true);

  // Error pages of the journeys and of the error mapper.
  const stranger = new HttpBrowser();
  keep(
    await capturePost(stranger, 'expired page (no interaction cookie)', `${signUp.base}/sign-up/email`, { ...pick(formFields(signUpPage.body)), email }),
    true,
  );
  const fresh = await begin(server, tt);
  keep(
    await capturePost(fresh.browser, 'CSRF error page', `${fresh.base}/email`, { flow: fresh.form.flow, csrf: 'x'.repeat(fresh.form.csrf.length), email }),
    true,
  );
  keep(
    await capture(fresh.browser, 'invalid input page (error mapper)', `${fresh.base}/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"flow":1}',
    }),
    true,
  );
  keep(await capture(stranger, 'unknown directory page', `${server.baseUrl}/no-such-tenant/interaction/abc`), true);
  keep(await capture(stranger, '404 page', `${server.baseUrl}/no/such/page`), false);
  keep(await capture(stranger, '404 JSON', `${server.baseUrl}/no/such/page`, { headers: { accept: 'application/json' } }), false);
  keep(await capture(stranger, 'authorization error page', `${api}/oauth2/v2.0/authorize?client_id=nope&response_type=code`), true);

  // Tokens, userinfo, discovery, JWKS.
  const tokens = await signInForTokens(server, h.confidential);
  keep(tokens.answer, true);
  keep(
    await capturePost(stranger, 'token error', `${api}/oauth2/v2.0/token`, {
      grant_type: 'authorization_code',
      code: 'nope',
      client_id: tt.app.id,
      code_verifier: 'x'.repeat(43),
      redirect_uri: tt.redirectUri,
    }),
    true,
  );
  keep(
    await capture(stranger, 'userinfo', `${api}/openid/v2.0/userinfo`, { headers: { authorization: `Bearer ${tokens.access}`, accept: 'application/json' } }),
    true,
  );
  keep(
    await capture(stranger, 'userinfo error', `${api}/openid/v2.0/userinfo`, { headers: { authorization: 'Bearer nope', accept: 'application/json' } }),
    true,
  );
  keep(await capture(stranger, 'discovery', `${api}/v2.0/.well-known/openid-configuration`), false);
  keep(await capture(stranger, 'JWKS', `${api}/discovery/v2.0/keys`), false);

  // Logout: the confirmation (signed in), the auto-submitting form (no session), the signed-out page.
  const confirm = keep(await capture(tokens.browser, 'logout confirmation page', `${api}/oauth2/v2.0/logout?client_id=${h.confidential.app.id}`), true);
  const xsrf = confirm.body.match(/name="xsrf" value="([^"]+)"/)?.[1] ?? '';
  const done = keep(await capturePost(tokens.browser, 'POST logout confirm', `${api}/oauth2/v2.0/logout/confirm`, { xsrf, logout: 'yes' }), true);
  keep(await capture(tokens.browser, 'signed-out page', on(server, done.headers.get('location') ?? '/')), true);
  keep(await capture(stranger, 'logout without a session', `${api}/oauth2/v2.0/logout`), true);

  // The demo app, the dev mailbox, health, the stylesheet.
  const demo = new HttpBrowser();
  keep(await capture(demo, 'demo page', `${server.baseUrl}/demo`), true);
  keep(await capturePost(demo, 'POST demo login', `${server.baseUrl}/demo/login`, {}), false);
  keep(await capture(demo, 'demo callback error page', `${server.baseUrl}/demo/callback?code=x&state=y`), true);
  keep(await capture(stranger, 'dev mailbox', `${server.baseUrl}/dev/mailbox`), true);
  keep(await capture(stranger, 'health', `${server.baseUrl}/health`), false);
  keep(await capture(stranger, 'ready', `${server.baseUrl}/ready`), false);
  keep(await capture(stranger, 'stylesheet', `${server.baseUrl}/static/latchkey.css`), false);
  return out;
}

const pick = (form: { flow: string; csrf: string }) => ({ flow: form.flow, csrf: form.csrf });

/** Signs the user of `tt` in through the pages and redeems the code (client_secret_basic for a confidential app). */
export async function signInForTokens(server: TestServer, tt: TestTenant) {
  const { browser, base, form, verifier } = await begin(server, tt, new HttpBrowser(), { scope: 'openid profile email' });
  const step = await capturePost(browser, 'POST email', `${base}/email`, { ...pick(form), email: tt.user.email });
  const page = await landOn(browser, server, 'password page', step);
  let answer = await capturePost(browser, 'POST password', `${base}/password`, { ...pick(formFields(page.body)), password: tt.password });
  for (let hops = 0; hops < 6 && answer.status >= 300 && answer.status < 400; hops++) {
    const next = on(server, answer.headers.get('location') ?? '/');
    if (next.startsWith(tt.redirectUri)) break;
    answer = await capture(browser, 'hop', next);
  }
  const code = new URL(answer.headers.get('location') ?? 'http://x/').searchParams.get('code');
  assert.ok(code, `no code: ${answer.status} ${answer.headers.get('location')}`);
  const auth = `Basic ${Buffer.from(`${encodeURIComponent(tt.app.id)}:${encodeURIComponent(tt.clientSecret ?? '')}`).toString('base64')}`;
  const tokenAnswer = await capturePost(
    new HttpBrowser(),
    'token answer',
    `${server.baseUrl}/${tt.tenant.name}/oauth2/v2.0/token`,
    {
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: tt.redirectUri,
    },
    { authorization: auth, accept: 'application/json' },
  );
  const body = JSON.parse(tokenAnswer.body) as { access_token?: string };
  assert.ok(body.access_token, tokenAnswer.body);
  return { browser, answer: tokenAnswer, access: body.access_token };
}

export { NEW_PASSWORD };
