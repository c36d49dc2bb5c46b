import { createAppAdmin } from './apps/app-admin.ts';
import { createLogReader } from './audit/log-reader.ts';
import { createPolicyAdmin } from './policies/policy-admin.ts';
import type { CoreDeps } from './ports.ts';
import { createBrandingAdmin } from './tenants/branding-admin.ts';
import { createTenantAdmin } from './tenants/tenant-admin.ts';
import { createCustomAttributeAdmin } from './user-flows/custom-attribute-admin.ts';
import { createUserFlowAdmin } from './user-flows/user-flow-admin.ts';
import { createGroupAdmin } from './users/group-admin.ts';
import { createUserAdmin } from './users/user-admin.ts';

/**
 * The tenant resources as administrators manage them (the admin API and the CLI): each change is
 * checked, guarded by If-Match and audited. Built once from the core's ports.
 */
export function createAdminResources(deps: CoreDeps) {
  return {
    tenants: createTenantAdmin(deps),
    userFlows: createUserFlowAdmin(deps),
    customAttributes: createCustomAttributeAdmin(deps),
    policies: createPolicyAdmin(deps),
    groups: createGroupAdmin(deps),
    users: createUserAdmin(deps),
    apps: createAppAdmin(deps),
    logs: createLogReader(deps),
    branding: createBrandingAdmin(deps),
  };
}

export type AdminResources = ReturnType<typeof createAdminResources>;
