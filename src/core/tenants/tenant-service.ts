import { ADMIN_TENANT } from '../admin/admin-directory.ts';
import { DomainError, assertThat } from '../errors.ts';
import type { TenantId } from '../ids.ts';
import type { CoreDeps } from '../ports.ts';
import type { SigningKey } from './signing-key.ts';
import { type Tenant, isValidTenantName } from './tenant.ts';

/** How long a retired key stays published: longer than any token it signed can live. */
export const RETIRED_KEY_OVERLAP_MS = 24 * 60 * 60 * 1000;

export function createTenantService({ store, clock, random, keyFactory }: CoreDeps) {
  async function create(name: string, displayName?: string): Promise<Tenant> {
    if (!isValidTenantName(name)) throw new DomainError('invalid_tenant_name');
    if (await store.tenants.findByName(name)) throw new DomainError('tenant_exists');
    const now = clock.now();
    const tenant: Tenant = { id: random.id() as TenantId, name, displayName: displayName?.trim() || name, configVersion: 1, createdAt: now, policies: {} };
    const key = await keyFactory.create(tenant.id, now);
    await store.transaction(async (tx) => {
      await tx.tenants.insert(tenant);
      await tx.signingKeys.insert(key);
    });
    return tenant;
  }

  async function getByName(name: string): Promise<Tenant> {
    const tenant = await store.tenants.findByName(name);
    assertThat(tenant, 'tenant_not_found');
    return tenant;
  }

  /** Makes a new active key; the old one keeps verifying (published, never signing) for a day. */
  async function rotateKeys(tenantId: TenantId): Promise<SigningKey> {
    assertThat(await store.tenants.findById(tenantId), 'tenant_not_found');
    const now = clock.now();
    const key = await keyFactory.create(tenantId, now);
    await store.transaction(async (tx) => {
      // First: its row lock makes a concurrent rotation wait, so it sees and retires this key,
      // and a deletion of the tenant during the key generation is tenant_not_found here.
      if (!(await tx.tenants.lock(tenantId))) throw new DomainError('tenant_not_found');
      await tx.tenants.bumpConfigVersion(tenantId);
      await tx.signingKeys.retireActive(tenantId, now + RETIRED_KEY_OVERLAP_MS);
      await tx.signingKeys.insert(key);
    });
    return key;
  }

  return {
    create,
    getByName,
    rotateKeys,
    /** The customer tenants (the admin directory is Latchkey's own, not a customer's). */
    list: async () => (await store.tenants.list()).filter((t) => t.name !== ADMIN_TENANT),
    liveKeys: (tenantId: TenantId) => store.signingKeys.listLive(tenantId, clock.now()),
  };
}

export type TenantService = ReturnType<typeof createTenantService>;
