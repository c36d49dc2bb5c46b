import type {} from '@fastify/cookie';
import type { FastifyInstance, FastifyReply } from 'fastify';
import * as client from 'openid-client';
import { demoPage } from './demo-views.tsx';

export interface DemoAppOptions {
  baseUrl: string;
  tenantName: string;
  clientId: string;
}

const LOGIN_COOKIE = 'demo_login';
const SESSION_COOKIE = 'demo_session';

/**
 * A relying party served by Latchkey itself at /demo, written against the independent
 * openid-client library exactly as a customer's app would be: discovery, PKCE, state, nonce,
 * ID token validation, RP-initiated logout. Its state lives in signed, HttpOnly cookies.
 */
export async function demoApp(app: FastifyInstance, opts: DemoAppOptions): Promise<void> {
  const issuer = new URL(`${opts.baseUrl}/${opts.tenantName}/v2.0`);
  const redirectUri = `${opts.baseUrl}/demo/callback`;
  let configuration: Promise<client.Configuration> | undefined;
  const config = () => {
    configuration ??= client
      .discovery(issuer, opts.clientId, undefined, client.None(), { execute: opts.baseUrl.startsWith('http://') ? [client.allowInsecureRequests] : [] })
      .catch((error: unknown) => {
        configuration = undefined;
        throw error;
      });
    return configuration;
  };
  const cookie = { path: '/demo', httpOnly: true, sameSite: 'lax' as const, signed: true, secure: opts.baseUrl.startsWith('https://') };
  const read = <T>(value: string | undefined, reply: FastifyReply): T | undefined => {
    if (!value) return undefined;
    const unsigned = reply.unsignCookie(value);
    if (!unsigned.valid || unsigned.value === null) return undefined;
    try {
      return JSON.parse(unsigned.value) as T;
    } catch {
      return undefined;
    }
  };

  app.get('/demo', async (request, reply) => {
    const session = read<{ claims: Record<string, unknown> }>(request.cookies[SESSION_COOKIE], reply);
    return reply
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(demoPage({ claims: session?.claims }));
  });

  app.post('/demo/login', async (_request, reply) => {
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(await config(), {
      redirect_uri: redirectUri,
      scope: 'openid profile email offline_access',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    reply.setCookie(LOGIN_COOKIE, JSON.stringify({ verifier, state, nonce }), { ...cookie, maxAge: 900 });
    return reply.redirect(url.href, 303);
  });

  app.get('/demo/callback', async (request, reply) => {
    const pending = read<{ verifier: string; state: string; nonce: string }>(request.cookies[LOGIN_COOKIE], reply);
    reply.clearCookie(LOGIN_COOKIE, { path: '/demo' }).header('cache-control', 'no-store').type('text/html; charset=utf-8');
    if (!pending) return reply.status(400).send(demoPage({ error: 'This sign-in was not started here, or took too long. Select Sign in again.' }));
    try {
      const tokens = await client.authorizationCodeGrant(await config(), new URL(request.url, opts.baseUrl), {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims() ?? {};
      reply.setCookie(SESSION_COOKIE, JSON.stringify({ claims, idToken: tokens.id_token }), cookie);
      return reply.redirect('/demo', 303);
    } catch (error) {
      request.log.warn({ err: error }, 'demo app sign-in failed');
      const message =
        error instanceof client.AuthorizationResponseError ? (error.error_description ?? error.error) : 'The sign-in response could not be verified.';
      return reply.status(400).send(demoPage({ error: `Sign-in failed: ${message}` }));
    }
  });

  app.post('/demo/logout', async (request, reply) => {
    const session = read<{ idToken?: string }>(request.cookies[SESSION_COOKIE], reply);
    reply.clearCookie(SESSION_COOKIE, { path: '/demo' });
    const url = client.buildEndSessionUrl(await config(), {
      post_logout_redirect_uri: `${opts.baseUrl}/demo`,
      ...(session?.idToken ? { id_token_hint: session.idToken } : {}),
    });
    return reply.redirect(url.href, 303);
  });
}
