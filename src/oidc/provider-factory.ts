import { createHmac, timingSafeEqual } from 'node:crypto';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { hashClientSecret } from '../core/apps/app-service.ts';
import type { AppId, UserId } from '../core/ids.ts';
import type { Clock, Store } from '../core/ports.ts';
import type { Tenant } from '../core/tenants/tenant.ts';
import { createAdapterClass } from './adapter.ts';
import { clientMetadata, scopeClaims, userClaims } from './claims.ts';
import type { KeyVault } from './key-vault.ts';
import { allowLoopbackPortVariance } from './loopback-redirect.ts';

/** Entra-shaped endpoint paths, relative to `/{tenant}`. */
export const oidcRoutes = {
  authorization: '/oauth2/v2.0/authorize',
  token: '/oauth2/v2.0/token',
  end_session: '/oauth2/v2.0/logout',
  revocation: '/oauth2/v2.0/revoke',
  jwks: '/discovery/v2.0/keys',
  userinfo: '/openid/v2.0/userinfo',
} as const;

/** The pages oidc-provider renders itself, supplied by the web layer (escaped HTML strings). */
export interface ProviderViews {
  error(details: { error: string; description?: string }): string;
  logoutConfirm(details: { formHtml: string; tenantName: string }): string;
  loggedOut(details: { tenantName: string }): string;
}

export interface ProviderFactoryDeps {
  store: Store;
  clock: Clock;
  keyVault: KeyVault;
  baseUrl: string;
  secret: Buffer;
  views: ProviderViews;
}

export const issuerFor = (baseUrl: string, tenant: Tenant) => `${baseUrl}/${tenant.name}/v2.0`;

/** Builds one tenant's oidc-provider instance from its current keys and settings. */
export async function buildProvider(deps: ProviderFactoryDeps, tenant: Tenant): Promise<Provider> {
  const { store, clock, keyVault, views } = deps;
  const keys = await store.signingKeys.listLive(tenant.id, clock.now());
  const active = keys.find((k) => k.status === 'active');
  if (!active) throw new Error(`Tenant ${tenant.name} has no active signing key.`);
  // The first key signs; retired keys are only published (key_ops verify) so old tokens still validate.
  const jwks = await Promise.all(
    [active, ...keys.filter((k) => k !== active)].map(async (k) => {
      const jwk = await keyVault.decrypt(k);
      return k.status === 'active' ? { ...jwk, use: 'sig' } : { ...jwk, key_ops: ['verify'] };
    }),
  );
  const secure = deps.baseUrl.startsWith('https://');
  const cookieKey = createHmac('sha256', deps.secret).update(`oidc-cookies:${tenant.id}`).digest('base64url');
  const prefix = secure ? '__Secure-' : '';

  const configuration: Configuration = {
    adapter: createAdapterClass(tenant.id, store.oidcArtifacts, clock, async (clientId) => {
      const app = await store.apps.findById(tenant.id, clientId as AppId);
      return app ? (clientMetadata(app) as never) : undefined;
    }),
    async findAccount(_ctx, sub) {
      const user = await store.users.findById(tenant.id, sub as UserId);
      if (!user?.enabled) return undefined;
      return { accountId: user.id, claims: async () => ({ ...userClaims(user, tenant), sub: user.id }) };
    },
    jwks: { keys: jwks as never },
    claims: Object.fromEntries(Object.entries(scopeClaims).map(([scope, claims]) => [scope, [...claims]])),
    scopes: ['openid', 'offline_access', 'email', 'profile'],
    conformIdTokenClaims: false,
    responseTypes: ['code'],
    // Only what app registrations can use: client_secret_jwt would need the secret in the clear
    // (we keep a hash), and no app registers JWKS for private_key_jwt, so discovery must not offer
    // them. oidc-provider accepts basic and post interchangeably for a secret-holding client.
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
    pkce: { required: () => true },
    enabledJWA: { idTokenSigningAlgValues: ['RS256'], userinfoSigningAlgValues: ['RS256'] },
    clientDefaults: { grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], id_token_signed_response_alg: 'RS256' },
    routes: oidcRoutes,
    interactions: { url: (_ctx, interaction) => `/${tenant.name}/interaction/${interaction.uid}` },
    cookies: {
      keys: [cookieKey],
      names: { session: `${prefix}lk_session_${tenant.name}`, interaction: `${prefix}lk_interaction`, resume: `${prefix}lk_resume` },
      long: { httpOnly: true, sameSite: 'lax', secure, signed: true },
      short: { httpOnly: true, sameSite: 'lax', secure, signed: true },
    },
    features: {
      devInteractions: { enabled: false },
      // Why off: it is on by default and advertised in discovery at /{tenant}/request, a path
      // oidc-mount does not serve. Turning it on means routing it under /oauth2/v2.0/ and testing it.
      pushedAuthorizationRequests: { enabled: false },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          ctx.type = 'html';
          ctx.body = views.logoutConfirm({ formHtml: form, tenantName: tenant.displayName });
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.type = 'html';
          ctx.body = views.loggedOut({ tenantName: tenant.displayName });
        },
      },
    },
    ttl: {
      AccessToken: 60 * 60,
      AuthorizationCode: 60,
      IdToken: 60 * 60,
      Interaction: 60 * 60,
      Session: 24 * 60 * 60,
      Grant: 90 * 24 * 60 * 60,
      RefreshToken: 90 * 24 * 60 * 60,
    },
    rotateRefreshToken: true,
    // Every app of a tenant is a first-party app of that tenant's owner, so consent is implied:
    // the grant simply covers what the app asked for (see docs/security.md, "consent").
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const { oidc } = ctx;
      if (!oidc.session?.accountId || !oidc.client) return undefined;
      const grantId = oidc.result?.consent?.grantId ?? oidc.session.grantIdFor(oidc.client.clientId);
      const grant =
        (grantId && (await oidc.provider.Grant.find(grantId))) ||
        new oidc.provider.Grant({ clientId: oidc.client.clientId, accountId: oidc.session.accountId });
      const scope = oidc.params?.scope;
      if (typeof scope === 'string') grant.addOIDCScope(scope);
      await grant.save();
      return grant;
    },
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = views.error({ error: String(out.error), description: out.error_description ? String(out.error_description) : undefined });
    },
  };

  const provider = new Provider(issuerFor(deps.baseUrl, tenant), configuration);
  // Why: oidc-provider builds every URL it hands out (discovery endpoints, redirects) from the
  // request's Host header and scheme, and refuses to set secure cookies on a plain-HTTP socket.
  // Behind a TLS-terminating proxy that broke every authorization request with https base URLs
  // (500) and advertised http:// endpoints; without a proxy a client could choose the host of the
  // endpoints in discovery (a cached, poisoned document could send codes and secrets elsewhere).
  // The public origin is configuration, so it is pinned here, whatever the client sent. (With
  // proxy on, Koa's ctx.ip would trust X-Forwarded-For; nothing we enable reads it.)
  const publicUrl = new URL(deps.baseUrl);
  provider.proxy = true;
  provider.use(async (ctx, next) => {
    ctx.req.headers['x-forwarded-host'] = publicUrl.host;
    ctx.req.headers['x-forwarded-proto'] = publicUrl.protocol.slice(0, -1);
    await next();
    // Koa answers paths and methods oidc-provider does not serve with a bare text/plain "Not
    // Found"; the rest of Latchkey answers API clients in JSON, so these do too.
    if (ctx.status === 404 && ctx.body === undefined) {
      ctx.status = 404;
      ctx.body = { error: 'not_found', error_description: 'There is no such endpoint.' };
    }
  });
  // Why: oidc-provider follows OIDC Core §11 to the letter and drops offline_access unless the
  // request carries prompt=consent. Every Latchkey app is first-party, so consent is implied (as
  // in Entra): a GET authorization request for offline_access without a prompt gets
  // prompt=consent, and the hosted pages answer that consent prompt on the user's behalf.
  provider.use(async (ctx, next) => {
    if (ctx.method === 'GET' && ctx.path === oidcRoutes.authorization) {
      const params = new URLSearchParams(ctx.querystring);
      if (!params.has('prompt') && (params.get('scope') ?? '').split(' ').includes('offline_access')) {
        params.set('prompt', 'consent');
        // oidc-provider derives its mount path from originalUrl minus url: keep the two in step.
        const req = ctx.req as typeof ctx.req & { originalUrl?: string };
        const mountPath = req.originalUrl?.slice(0, req.originalUrl.indexOf(ctx.url)) ?? '';
        ctx.querystring = params.toString();
        req.originalUrl = `${mountPath}${ctx.url}`;
      }
    }
    await next();
  });
  // Why: oidc-provider compares client secrets in the clear; we store only their SHA-256
  // (see hashClientSecret), so the comparison hashes what the client sent first.
  provider.Client.prototype.compareClientSecret = function compareHashed(this: { clientSecret?: string }, actual: string) {
    const expected = Buffer.from(this.clientSecret ?? '');
    const given = Buffer.from(hashClientSecret(actual));
    return expected.length === given.length && timingSafeEqual(expected, given);
  };
  allowLoopbackPortVariance(provider);
  return provider;
}
