/**
 * The contract between the admin API's authentication and its resource routes.
 *
 * Every route under /admin/v1 declares in its route options `config: { access }`. A guard
 * (installed by admin-api.ts) authenticates the caller (admin bearer token or API key), sets
 * `request.adminPrincipal`, and refuses a route that declares no access at all, so no route can
 * be left unprotected by omission. Tenant-scoped routes carry the tenant's name in the `:tenant`
 * path parameter; a caller without any role on that tenant gets 404, as if it did not exist.
 */

// The role types live in the core (which stores and resolves them); re-exported for the routes.
import type { AdminPrincipal, RoleGrant } from '../core/admin/roles.ts';

export type { AdminPrincipal, AdminRole, RoleGrant } from '../core/admin/roles.ts';

export interface RouteAccess {
  /** 'global': not about one tenant (list tenants, create a tenant). 'tenant': under /tenants/:tenant. */
  scope: 'global' | 'tenant';
  /** Whether the route changes anything (auditors may only read). */
  write: boolean;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    adminPrincipal?: AdminPrincipal;
  }
}

export type AccessDecision = 'allow' | 'forbidden' | 'not_found';

/**
 * Whether `principal` may call a route with `access` on `tenantName`. Global administrators may
 * do everything; tenant administrators everything on their tenants, and only reading the tenant
 * list on global routes (filtered to their tenants by the route); auditors read only.
 */
export function decideAccess(principal: AdminPrincipal, access: RouteAccess, tenantName: string | undefined): AccessDecision {
  const covers = (grant: RoleGrant) => grant.tenants === 'all' || (tenantName !== undefined && grant.tenants.includes(tenantName));
  if (principal.grants.some((g) => g.role === 'global_admin')) return 'allow';
  if (access.scope === 'global') {
    if (access.write) return 'forbidden';
    return principal.grants.length > 0 ? 'allow' : 'forbidden';
  }
  const relevant = principal.grants.filter(covers);
  if (relevant.length === 0) return 'not_found';
  if (!access.write) return 'allow';
  return relevant.some((g) => g.role === 'tenant_admin') ? 'allow' : 'forbidden';
}
