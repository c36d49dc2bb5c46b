import type Provider from 'oidc-provider';
import type { Tenant } from '../core/tenants/tenant.ts';
import { type ProviderFactoryDeps, buildProvider } from './provider-factory.ts';

/** How long a node trusts its cached tenant before re-reading its config version. */
const RECHECK_MS = 5_000;

interface Entry {
  tenant: Tenant;
  provider: Promise<Provider>;
  checkedAt: number;
}

/**
 * One oidc-provider per tenant, built on first use and rebuilt when the tenant's configVersion
 * changes (e.g. `latchkey keys rotate` from another process): each node re-reads the version at
 * most every few seconds, so nodes converge without a message bus.
 */
export function createProviderCache(deps: ProviderFactoryDeps) {
  const entries = new Map<string, Entry>();

  async function get(tenantName: string): Promise<{ tenant: Tenant; provider: Provider } | undefined> {
    const now = deps.clock.now();
    const cached = entries.get(tenantName);
    if (cached && now - cached.checkedAt < RECHECK_MS) return { tenant: cached.tenant, provider: await cached.provider };
    const tenant = await deps.store.tenants.findByName(tenantName);
    if (!tenant) {
      entries.delete(tenantName);
      return undefined;
    }
    if (cached && cached.tenant.id === tenant.id && cached.tenant.configVersion === tenant.configVersion) {
      cached.checkedAt = now;
      return { tenant, provider: await cached.provider };
    }
    const provider = buildProvider(deps, tenant);
    entries.set(tenantName, { tenant, provider, checkedAt: now });
    try {
      return { tenant, provider: await provider };
    } catch (error) {
      entries.delete(tenantName);
      throw error;
    }
  }

  /** Drops a tenant's provider so the next request re-reads the tenant (deleted, or new keys). */
  const forget = (tenantName: string) => void entries.delete(tenantName);

  return { get, forget, clear: () => entries.clear() };
}

export type ProviderCache = ReturnType<typeof createProviderCache>;
