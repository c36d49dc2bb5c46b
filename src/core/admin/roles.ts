import type { TenantId } from '../ids.ts';

/**
 * Who may do what in the admin API. The web guard (src/admin/access.ts) decides on these; the
 * core stores and resolves them.
 */
export const ADMIN_ROLES = ['global_admin', 'tenant_admin', 'auditor'] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];

export const isAdminRole = (value: string): value is AdminRole => (ADMIN_ROLES as readonly string[]).includes(value);

/** One role, on every tenant ('all') or on the named tenants. */
export interface RoleGrant {
  role: AdminRole;
  tenants: 'all' | string[];
}

/** An authenticated caller of the admin API. */
export interface AdminPrincipal {
  kind: 'admin' | 'api_key';
  /** The admin's user id in the admin directory, or the API key's id. */
  id: string;
  /** An email or the key's name, for the audit log. */
  label: string;
  grants: RoleGrant[];
}

/**
 * A grant as stored: by tenant id, not name, so a grant dies with its tenant and never passes to
 * a new tenant that reuses the name. `tenantId: null` means every tenant.
 */
export interface StoredGrant {
  role: AdminRole;
  tenantId: TenantId | null;
}

/** The audit-log actor string of a principal (`admin:<id>`, `api_key:<id>`). */
export const actorOf = (principal: Pick<AdminPrincipal, 'kind' | 'id'> | 'cli'): string =>
  principal === 'cli' ? 'cli' : `${principal.kind}:${principal.id}`;
