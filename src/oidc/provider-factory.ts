import { createHmac, timingSafeEqual } from 'node:crypto';
import Provider, { type Configuration, type KoaContextWithOIDC, errors, interactionPolicy } from 'oidc-provider';
import { ADMIN_TENANT } from '../core/admin/admin-directory.ts';
import { hashClientSecret } from '../core/apps/app-service.ts';
import { DomainError } from '../core/errors.ts';
import type { AppId, UserId } from '../core/ids.ts';
import type { RateLimiter } from '../core/policies/rate-limits.ts';
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
  /** Budgets on the shared counters (wrong client secrets per app); none in unit tests. */
  rateLimiter?: RateLimiter;
}

/** How long a browser session and what it issued live, in seconds. */
interface SessionLifetimes {
  /** Idle lifetime: each use slides it (E7). */
  idle: number;
  /** However active, a session signs in again this long after its sign-in (E8). */
  absolute: number;
  /** Refresh tokens and the grants behind them. */
  grant: number;
}

const CUSTOMER_LIFETIMES: SessionLifetimes = { idle: 24 * 60 * 60, absolute: 30 * 24 * 60 * 60, grant: 90 * 24 * 60 * 60 };
/**
 * Administrators hold the keys to every customer, so their sessions are shorter (checklist H12,
 * our choice, in line with admin portals): one hour idle, a working day at most, and no refresh
 * token outlives that day.
 */
const ADMIN_LIFETIMES: SessionLifetimes = { idle: 60 * 60, absolute: 12 * 60 * 60, grant: 12 * 60 * 60 };
export const lifetimesOf = (tenant: Pick<Tenant, 'name'>): SessionLifetimes => (tenant.name === ADMIN_TENANT ? ADMIN_LIFETIMES : CUSTOMER_LIFETIMES);

const epochNow = () => Math.floor(Date.now() / 1000);

/**
 * oidc-provider's default policy plus two reasons to ask for a sign-in again though the browser
 * has a session: its account no longer signs in (disabled or deleted: findAccount answers
 * nothing, and without this the consent checks read a grant that was never loaded, a 500), and
 * its sign-in is older than the absolute lifetime (the idle TTL slides with every use).
 * With prompt=none both answer login_required.
 */
function loginPolicy(absoluteSeconds: number) {
  const policy = interactionPolicy.base();
  const login = policy.get('login');
  if (!login) throw new Error('oidc-provider has no login prompt');
  login.checks.add(
    new interactionPolicy.Check('account_unavailable', 'End-User authentication is required', 'login_required', (ctx) =>
      Boolean(ctx.oidc.session?.accountId && !ctx.oidc.account),
    ),
  );
  login.checks.add(
    new interactionPolicy.Check('session_too_old', 'End-User authentication is required', 'login_required', (ctx) => {
      const loginTs = ctx.oidc.session?.accountId ? ctx.oidc.session.loginTs : undefined;
      return loginTs !== undefined && epochNow() - loginTs >= absoluteSeconds && !ctx.oidc.result?.login;
    }),
  );
  return policy;
}

export const issuerFor = (baseUrl: string, tenant: Tenant) => `${baseUrl}/${tenant.name}/v2.0`;

/** Builds one tenant's oidc-provider instance from its current keys and settings. */
export async function buildProvider(deps: ProviderFactoryDeps, tenant: Tenant): Promise<Provider> {
  const { store, clock, keyVault, views } = deps;
  const keys = await store.signingKeys.listLive(tenant.id, clock.now());
  const active = keys.find((k) => k.status === 'active');
  if (!active) throw new Error(`Tenant ${tenant.name} has no active signing key.`);
  const lifetimes = lifetimesOf(tenant);
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
    interactions: { policy: loginPolicy(lifetimes.absolute), url: (_ctx, interaction) => `/${tenant.name}/interaction/${interaction.uid}` },
    cookies: {
      keys: [cookieKey],
      // The session cookie is set with Path=/ and no Domain, so under https it can take the
      // stricter __Host- prefix (no subdomain or other path can plant or shadow it). The
      // interaction and resume cookies are path-scoped and keep __Secure-.
      names: { session: `${secure ? '__Host-' : ''}lk_session_${tenant.name}`, interaction: `${prefix}lk_interaction`, resume: `${prefix}lk_resume` },
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
      // Idle lifetime, but never past the absolute one: the record itself ends with the session.
      Session: (_ctx, session) =>
        session.loginTs === undefined
          ? lifetimes.idle
          : Math.max(1, Math.min(lifetimes.idle, session.loginTs + lifetimes.absolute - epochNow())),
      Grant: lifetimes.grant,
      RefreshToken: lifetimes.grant,
    },
    rotateRefreshToken: true,
    // Every app of a tenant is a first-party app of that tenant's owner, so consent is implied:
    // the grant simply covers what the app asked for (see docs/security.md, "consent").
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const { oidc } = ctx;
      if (!oidc.session?.accountId || !oidc.client) return undefined;
      const grantId = oidc.result?.consent?.grantId ?? oidc.session.grantIdFor(oidc.client.clientId);
      const found = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
      // A grant of another account (the browser switched users) is not this session's: reusing it
      // makes oidc-provider fail with 'accountId mismatch'.
      const grant =
        found && found.accountId === oidc.session.accountId && found.clientId === oidc.client.clientId
          ? found
          : new oidc.provider.Grant({ clientId: oidc.client.clientId, accountId: oidc.session.accountId });
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
  // (see hashClientSecret), so the comparison hashes what the client sent first. Wrong secrets
  // count per app across every node and address (checklist D11: the per-IP token budget alone
  // lets a botnet guess); once an app's failure budget is used up, its secret is not even
  // compared and the answer is 429 with Retry-After until the window ends. (The address logged
  // is the socket's, as Fastify's request.ip: ctx.ip would trust X-Forwarded-For, see above.)
  const { rateLimiter } = deps;
  provider.Client.prototype.compareClientSecret = async function compareHashed(this: { clientId: string; clientSecret?: string }, actual: string) {
    const key = `${tenant.id}:${this.clientId}`;
    try {
      await rateLimiter?.ensureUnderFailureBudget('client_secret_failures', key, { tenantId: tenant.id, account: `app:${this.clientId}`, ip: Provider.ctx?.req.socket.remoteAddress ?? null });
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'rate_limited') throw error;
      Provider.ctx?.set('retry-after', String(Math.max(1, Math.ceil((error.meta.retryAfterMs ?? 1000) / 1000))));
      throw Object.assign(new errors.CustomOIDCProviderError('temporarily_unavailable', 'Too many failed client authentications. Retry later.'), { status: 429, statusCode: 429, expose: true });
    }
    // An app may hold several live secrets while one is rolled over: their hashes, space-separated.
    const given = Buffer.from(hashClientSecret(actual));
    const matches = (this.clientSecret ?? '')
      .split(' ')
      .map((hash) => Buffer.from(hash))
      .some((expected) => expected.length === given.length && timingSafeEqual(expected, given));
    if (!matches) await rateLimiter?.countFailure('client_secret_failures', key);
    return matches;
  };
  // Why: after a sign-out ("log out of all apps") the browser should keep nothing of the session,
  // whatever else a page stored (checklist E4). Not on the account-switch step, which ends the
  // session the same way but then resumes the sign-in (its interaction cookies must survive), nor
  // when the user chose to stay signed in to other apps. Note: browsers clear the cookies of the
  // whole site, so the user is signed out of the other tenants on this host too.
  provider.on('end_session.success', (ctx: KoaContextWithOIDC) => {
    const state = ctx.oidc.session?.state as { postLogoutRedirectUri?: unknown } | undefined;
    const target = typeof state?.postLogoutRedirectUri === 'string' ? state.postLogoutRedirectUri : '';
    const switchingAccounts = target.startsWith(`${ctx.oidc.urlFor('authorization')}/`);
    if (ctx.oidc.params?.logout && !switchingAccounts) ctx.set('clear-site-data', '"cookies", "storage"');
  });
  allowLoopbackPortVariance(provider);
  return provider;
}
