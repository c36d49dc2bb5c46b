import { createHash, randomBytes } from 'node:crypto';
import { HttpBrowser, signInThroughPages } from '../test/fixtures/http-browser.ts';
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
}

const tokenUrl = (t: Target) => `${t.baseUrl}/${t.tenant.tenantName}/oauth2/v2.0/token`;
const b64url = (bytes: number) => randomBytes(bytes).toString('base64url');

async function postToken(t: Target, form: Record<string, string>): Promise<TokenResponse> {
  const response = await fetch(tokenUrl(t), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(form).toString(),
  });
  const body = (await response.json()) as TokenResponse & { error?: string; error_description?: string };
  if (response.status !== 200) throw new Error(`token endpoint answered ${response.status}: ${body.error} ${body.error_description ?? ''}`);
  return body;
}

/**
 * One full password sign-in as a browser plus a public client would do it: authorize with PKCE
 * → email page → POST email → password page → POST password → resume → callback, then the code
 * is exchanged at the token endpoint. Returns the refresh token (offline_access is requested).
 */
export async function signInAndExchange(t: Target, user: BenchUser): Promise<string> {
  const verifier = b64url(32);
  const state = b64url(12);
  const authorize = new URL(`${t.baseUrl}/${t.tenant.tenantName}/oauth2/v2.0/authorize`);
  authorize.search = new URLSearchParams({
    client_id: t.tenant.clientId,
    response_type: 'code',
    redirect_uri: t.tenant.redirectUri,
    scope: 'openid profile email offline_access',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    state,
    nonce: b64url(12),
  }).toString();

  const { callbackUrl } = await signInThroughPages(new HttpBrowser(), authorize.href, user.email, user.password);
  const code = callbackUrl.searchParams.get('code');
  if (!code || callbackUrl.searchParams.get('state') !== state) throw new Error(`callback without code or with a wrong state: ${callbackUrl.href}`);
  const tokens = await postToken(t, {
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
export async function refresh(t: Target, refreshToken: string): Promise<string> {
  const tokens = await postToken(t, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: t.tenant.clientId });
  if (!tokens.access_token || !tokens.refresh_token) throw new Error('refresh response lacks access or refresh token');
  if (tokens.refresh_token === refreshToken) throw new Error('refresh token did not rotate');
  return tokens.refresh_token;
}
