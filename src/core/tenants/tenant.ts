import type { TenantId } from '../ids.ts';
import type { PolicyOverrides } from '../policies/tenant-policies.ts';

/** A customer directory. `name` is its URL prefix (`/{name}`) and never changes. */
export interface Tenant {
  id: TenantId;
  name: string;
  displayName: string;
  /** Bumped whenever something the OIDC provider is built from changes (keys), so nodes rebuild it. */
  configVersion: number;
  createdAt: number;
  /** What the admin changed from the default policies (see resolvePolicies). */
  policies: PolicyOverrides;
}

const TENANT_NAME = /^[a-z][a-z0-9-]{1,39}$/;
/** Names that would collide with Latchkey's own top-level routes. */
const RESERVED = new Set(['admin', 'health', 'ready', 'static', 'dev', 'assets', 'api', 'common', 'organizations']);

export function isValidTenantName(name: string): boolean {
  return TENANT_NAME.test(name) && !RESERVED.has(name);
}
