import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { DomainError } from '../core/errors.ts';
import type { ProviderCache } from '../oidc/provider-cache.ts';
import type { Services } from '../services.ts';
import { installErrorMapper } from '../web/error-mapper.ts';
import { installStrictJsonParser } from '../web/strict-bodies.ts';
import { type AccessDecision, decideAccess, type RouteAccess } from './access.ts';
import { bearerToken, createAdminAuthenticator } from './admin-auth.ts';
import { openApiRoutes, registerOpenApi } from './openapi.ts';
import { principalRoutes } from './principal-routes.ts';
import { resourceRoutes } from './routes/index.ts';
import { installFieldErrors } from './routes/route-kit.ts';

export interface AdminApiOptions {
  services: Services;
  providers: ProviderCache;
}

/** Admin API bodies are small JSON documents; anything bigger is a mistake or an attack. */
const BODY_LIMIT = 64 * 1024;
const REALM = 'Bearer realm="latchkey-admin"';
/** JSON only, strictly decoded (invalid UTF-8, NULs, `__proto__` and `constructor` keys are 400s). */
function installJsonOnly(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  installStrictJsonParser(app, BODY_LIMIT);
}

/**
 * Refuses, at start-up, any route under /admin/v1 that does not say who may call it: a route
 * left without `config.access` cannot be registered at all, so none is unprotected by omission.
 * Tenant routes must carry the tenant in `:tenant`, which is what the guard checks.
 */
export function requireAccessDeclarations(app: FastifyInstance): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    const where = `${String(route.method)} ${route.url}`;
    const access = route.config?.access as RouteAccess | undefined;
    if (!access) throw new Error(`Admin route ${where} declares no config.access; every admin route must.`);
    if (access.scope === 'tenant' && !route.url.includes('/tenants/:tenant'))
      throw new Error(`Admin route ${where} is tenant-scoped but has no /tenants/:tenant.`);
    if (access.scope === 'global' && route.url.includes(':tenant')) throw new Error(`Admin route ${where} names a tenant but declares global scope.`);
    // The authorisation tests enumerate the routes from the OpenAPI document: none may hide.
    if (route.schema?.hide) throw new Error(`Admin route ${where} may not be hidden from the OpenAPI document.`);
  });
}

/**
 * Authenticates every call (401 with WWW-Authenticate otherwise), then applies the route's
 * access rule. A tenant the caller has no role on, and a tenant that does not exist, both answer
 * 404 tenant_not_found, so a caller cannot tell them apart. Runs before the body is read.
 */
function installGuard(app: FastifyInstance, opts: AdminApiOptions): void {
  const authenticate = createAdminAuthenticator(opts);
  const { admin, tenants } = opts.services;
  const tenantExists = (name: string) =>
    tenants.getByName(name).then(
      () => true,
      () => false,
    );

  app.addHook('onRequest', async (request, reply) => {
    // A path or method the API does not have is a plain 404 (the route list is public anyway).
    if (request.is404) return;
    const access = request.routeOptions.config.access;
    if (!access) throw new DomainError('forbidden');
    const token = bearerToken(request);
    const principal = token === undefined ? undefined : await authenticate(token);
    if (!principal) {
      reply.header('www-authenticate', request.headers.authorization === undefined ? REALM : `${REALM}, error="invalid_token"`);
      request.log.warn(
        { route: request.routeOptions.url, ip: request.ip, presented: request.headers.authorization !== undefined },
        'admin API: unauthenticated call',
      );
      throw new DomainError('unauthenticated');
    }
    request.adminPrincipal = principal;
    const tenantName = access.scope === 'tenant' ? tenantOf(request) : undefined;
    let decision: AccessDecision = decideAccess(principal, access, tenantName);
    // A missing tenant is 404 for everyone, before any 403: no caller learns more about it than about a foreign one.
    if (decision !== 'not_found' && tenantName !== undefined && !(await tenantExists(tenantName))) decision = 'not_found';
    if (decision === 'allow') return;
    await admin.audit({ ...principal, ip: request.ip }, 'admin_api.denied', tenantName ?? null, {
      method: request.method,
      route: request.routeOptions.url,
      decision,
    });
    throw new DomainError(decision === 'forbidden' ? 'forbidden' : 'tenant_not_found');
  });
}

const tenantOf = (request: FastifyRequest) => {
  const { tenant } = request.params as { tenant?: unknown };
  return typeof tenant === 'string' ? tenant : '';
};

/**
 * The admin REST API, mounted at /admin: the OpenAPI document and its reference page (public),
 * and /admin/v1, where every route is authenticated and authorised by the guard.
 */
export async function adminApi(app: FastifyInstance, opts: AdminApiOptions): Promise<void> {
  installJsonOnly(app);
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('cache-control', 'no-store');
    return payload;
  });
  await registerOpenApi(app);
  await app.register(openApiRoutes);
  await app.register(
    async (v1) => {
      requireAccessDeclarations(v1);
      // JSON for every client, a browser included, and for paths and methods it does not have:
      // the root's mapper would answer those with an HTML page and outside this no-store scope.
      installErrorMapper(v1, { pages: false });
      installGuard(v1, opts);
      installFieldErrors(v1);
      await v1.register(principalRoutes, { services: opts.services });
      await v1.register(resourceRoutes, { services: opts.services, providers: opts.providers });
    },
    { prefix: '/v1' },
  );
}
