import { type ChangeActor, inTenantChange, recordChange } from '../audit/admin-change.ts';
import { assertIfMatch, etagOf } from '../concurrency/etag.ts';
import { assertThat, DomainError } from '../errors.ts';
import type { TenantId } from '../ids.ts';
import type { CoreDeps, Store } from '../ports.ts';
import type { Tagged } from '../user-flows/user-flow-admin.ts';
import { resolvePolicies, type TenantPolicies } from './tenant-policies.ts';

export type PolicyName = keyof TenantPolicies;

/** How the admin API and the audit log name each policy. */
export const POLICY_ACTIONS: Record<PolicyName, string> = {
  authMethods: 'policy.auth_methods.updated',
  password: 'policy.password.updated',
  passcode: 'policy.passcode.updated',
  lockout: 'policy.lockout.updated',
};

/**
 * Rules across fields that a schema cannot say. Field ranges are the front door's schema; these
 * hold whichever door a change comes through. Throws invalid_policy with the offending field.
 */
export async function checkPolicy<K extends PolicyName>(store: Store, tenantId: TenantId, name: K, value: TenantPolicies[K]): Promise<void> {
  const fail = (detail: string) => {
    throw new DomainError('invalid_policy', detail);
  };
  if (name === 'password') {
    const p = value as TenantPolicies['password'];
    if (p.minLength < 8) fail('minLength: at least 8.');
    if (p.maxLength > 256) fail('maxLength: at most 256.');
    if (p.minLength > p.maxLength) fail('minLength: must not exceed maxLength.');
  } else if (name === 'lockout') {
    const p = value as TenantPolicies['lockout'];
    if (p.maxDurationMs < p.durationMs) fail('maxDurationMs: must not be shorter than durationMs.');
  } else if (name === 'authMethods') {
    const { includeTargets, excludeTargets } = (value as TenantPolicies['authMethods']).emailOtp;
    if (includeTargets.includes('all_users') && includeTargets.length > 1) fail('includeTargets: "all_users" stands alone; it already includes every group.');
    const groups = new Set((await store.groups.list(tenantId)).map((g) => g.id as string));
    const unknown = [...includeTargets.filter((t) => t !== 'all_users'), ...excludeTargets].filter((id) => !groups.has(id));
    if (unknown.length > 0) fail(`Unknown group ids: ${unknown.join(', ')}.`);
  }
}

const tagged = <K extends PolicyName>(value: TenantPolicies[K]): Tagged<TenantPolicies[K]> => ({ view: value, etag: etagOf(value) });

/** The tenant's policies as administrators read and replace them, one policy at a time. */
export function createPolicyAdmin({ store, clock }: CoreDeps) {
  async function policies(s: Store, tenantId: TenantId) {
    const tenant = await s.tenants.findById(tenantId);
    assertThat(tenant, 'tenant_not_found');
    return { tenant, resolved: resolvePolicies(tenant.policies) };
  }

  async function get<K extends PolicyName>(tenantId: TenantId, name: K): Promise<Tagged<TenantPolicies[K]>> {
    return tagged<K>((await policies(store, tenantId)).resolved[name]);
  }

  /** Replaces one policy whole (every field given), if the caller read the current one. */
  async function replace<K extends PolicyName>(
    tenantId: TenantId,
    name: K,
    value: TenantPolicies[K],
    ifMatch: string | undefined,
    actor: ChangeActor,
  ): Promise<Tagged<TenantPolicies[K]>> {
    return inTenantChange(store, tenantId, async (tx) => {
      const { tenant, resolved } = await policies(tx, tenantId);
      const before = resolved[name];
      assertIfMatch(ifMatch, etagOf(before));
      await checkPolicy(tx, tenantId, name, value);
      await tx.tenants.setPolicies(tenantId, { ...tenant.policies, [name]: value });
      await recordChange(tx, clock, { tenantId, actor, action: POLICY_ACTIONS[name], target: name, before, after: value });
      return tagged<K>(value);
    });
  }

  return { get, replace };
}

export type PolicyAdmin = ReturnType<typeof createPolicyAdmin>;
