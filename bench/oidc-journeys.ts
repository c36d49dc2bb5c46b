import { createHash, randomBytes } from 'node:crypto';
import type { Agent } from 'node:http';
import { formFields } from '../test/fixtures/http-browser.ts';
import { createBrowser, send } from './http-client.ts';
import type { BenchUser, SetupReply } from './server-protocol.ts';

/** What a relying party needs to talk to the bench tenant. */
export interface Target {
  baseUrl: string;
  tenant: SetupReply;
}

interface TokenResponse {
  access_token?: string;
  id_token?: string;
  refresh_token?: string;
  error?: string;
  error_description?: string;
}

const b64url = (bytes: number) => randomBytes(bytes).toString('base64url');

async function postToken(t: Target, agent: Agent, form: Record<string, string>): Promise<TokenResponse> {
  const response = await send(agent, `${t.baseUrl}/${t.tenant.tenantName}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(form).toString(),
  });
  const body = JSON.parse(response.body) as TokenResponse;
  if (response.status !== 200) throw new Error(`token endpoint answered ${response.status}: ${body.error} ${body.error_description ?? ''}`);
  return body;
}

/** The text of a page that should not have been there, short enough for one log line. */
const gist = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200);

/** An authorization request with PKCE, and what the relying party keeps to finish it. */
function authorizationRequest(t: Target) {
  const verifier = b64url(32);
  const state = b64url(12);
  const url = `${t.baseUrl}/${t.tenant.tenantName}/oauth2/v2.0/authorize?${new URLSearchParams({
    client_id: t.tenant.clientId,
    response_type: 'code',
    redirect_uri: t.tenant.redirectUri,
    scope: 'openid profile email offline_access',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    state,
    nonce: b64url(12),
  })}`;
  return { url, verifier, state };
}

/** authorize → email page → POST email → the password page, whose forms are returned. */
async function toPasswordPage(t: Target, browser: ReturnType<typeof createBrowser>, authorize: string, user: BenchUser) {
  const origin = t.baseUrl;
  const start = await browser.follow(await browser.get(authorize), authorize, origin);
  if (start.response.status !== 200) throw new Error(`authorize did not reach the email page: ${start.response.status} ${gist(start.response.body)}`);
  const first = formFields(start.response.body);
  const emailAction = new URL(first.actions.find((a) => a.endsWith('/email')) ?? '', start.url).href;
  const afterEmail = await browser.post(emailAction, { flow: first.flow, csrf: first.csrf, email: user.email });
  const passwordStep = await browser.follow(afterEmail, emailAction, origin);
  const fields = formFields(passwordStep.response.body);
  const action = (suffix: string) => {
    const found = fields.actions.find((a) => a.endsWith(suffix));
    if (!found) throw new Error(`no ${suffix} form on the password page: ${passwordStep.response.status} ${gist(passwordStep.response.body)}`);
    return new URL(found, passwordStep.url).href;
  };
  return { flow: fields.flow, csrf: fields.csrf, action };
}

/**
 * One full password sign-in as a browser plus a public client would do it: authorize with PKCE
 * → email page → POST email → password page → POST password → resume → callback, then the code
 * is exchanged at the token endpoint. Returns the refresh token (offline_access is requested).
 */
export async function signInAndExchange(t: Target, agent: Agent, user: BenchUser): Promise<string> {
  const { url: authorize, verifier, state } = authorizationRequest(t);
  const browser = createBrowser(agent);
  const origin = t.baseUrl;
  const second = await toPasswordPage(t, browser, authorize, user);
  const passwordUrl = second.action('/password');
  const afterPassword = await browser.post(passwordUrl, { flow: second.flow, csrf: second.csrf, password: user.password });
  const end = await browser.follow(afterPassword, passwordUrl, origin);
  if (end.url.startsWith(origin)) throw new Error(`sign-in did not return to the app: ${end.response.status} ${gist(end.response.body)}`);

  const callback = new URL(end.url);
  const code = callback.searchParams.get('code');
  if (!code || callback.searchParams.get('state') !== state) throw new Error(`callback without code or with a wrong state: ${callback.href}`);
  const tokens = await postToken(t, agent, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: t.tenant.redirectUri,
    client_id: t.tenant.clientId,
    code_verifier: verifier,
  });
  if (!tokens.access_token || !tokens.id_token || !tokens.refresh_token) throw new Error('token response lacks access, ID or refresh token');
  return tokens.refresh_token;
}

/** One refresh-token grant; returns the rotated (newest) refresh token of the chain. */
export async function refresh(t: Target, agent: Agent, refreshToken: string): Promise<string> {
  const tokens = await postToken(t, agent, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: t.tenant.clientId });
  if (!tokens.access_token || !tokens.refresh_token) throw new Error('refresh response lacks access or refresh token');
  if (tokens.refresh_token === refreshToken) throw new Error('refresh token did not rotate');
  return tokens.refresh_token;
}

/**
 * A password reset up to its first mail: authorize → email → password page → "Forgot password?".
 * `sent()` is called just before the Forgot password POST goes out (the clock of the mail
 * latency starts there); resolves once that POST is answered.
 */
export async function requestPasswordReset(t: Target, agent: Agent, user: BenchUser, sent: () => void): Promise<void> {
  const browser = createBrowser(agent);
  const page = await toPasswordPage(t, browser, authorizationRequest(t).url, user);
  const forgot = page.action('/forgot');
  sent();
  const response = await browser.post(forgot, { flow: page.flow, csrf: page.csrf });
  if (response.status !== 303 || !response.location?.includes('/reset')) {
    throw new Error(`Forgot password answered ${response.status} ${response.location ?? gist(response.body)}`);
  }
}
