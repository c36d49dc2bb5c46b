import { DomainError } from '../errors.ts';
import type { TenantId } from '../ids.ts';
import type { Clock, Store } from '../ports.ts';

/** Who makes an admin change, as the audit log names it (`admin:<id>`, `api_key:<id>`, `cli`). */
export type ChangeActor = string;

/**
 * Runs one admin change of a tenant's resources in a transaction holding the tenant's lock, so
 * its If-Match check, its write and its audit entry are one atomic step on every node. A change
 * that waited for the tenant's deletion finds it gone (tenant_not_found) instead of writing rows
 * that belong to nothing. Costly work (hashing, key generation) belongs before, not in here.
 */
export function inTenantChange<T>(store: Store, tenantId: TenantId, fn: (tx: Store) => Promise<T>): Promise<T> {
  return store.transaction(async (tx) => {
    if (!(await tx.tenants.lock(tenantId))) throw new DomainError('tenant_not_found');
    return fn(tx);
  });
}

/** Appends the change to the audit log with a before/after summary (null: created / deleted). */
export async function recordChange(
  tx: Store,
  clock: Clock,
  change: { tenantId: TenantId; actor: ChangeActor; action: string; target: string | null; before: unknown; after: unknown },
): Promise<void> {
  await tx.auditLog.append({
    tenantId: change.tenantId,
    at: clock.now(),
    actor: change.actor,
    action: change.action,
    target: change.target,
    details: { before: change.before ?? null, after: change.after ?? null },
  });
}
