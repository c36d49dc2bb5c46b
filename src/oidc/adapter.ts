import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { TenantId } from '../core/ids.ts';
import type { Clock, OidcArtifactStore } from '../core/ports.ts';

/**
 * oidc-provider's storage interface over our OidcArtifactStore, scoped to one tenant. Everything
 * the provider keeps (sessions, interactions, codes, grants, tokens) lives in the database, so
 * any node can serve any request and a restart loses nothing.
 */
export function createAdapterClass(
  tenantId: TenantId,
  artifacts: OidcArtifactStore,
  clock: Clock,
  /** Client metadata comes from the app registrations, not from the artifact table. */
  findClient: (clientId: string) => Promise<AdapterPayload | undefined>,
) {
  const live = (found: Awaited<ReturnType<OidcArtifactStore['find']>>): AdapterPayload | undefined => {
    if (!found) return undefined;
    if (found.expiresAt !== null && found.expiresAt <= clock.now()) return undefined;
    return { ...found.payload, ...(found.consumed ? { consumed: true } : {}) } as AdapterPayload;
  };

  return class ArtifactAdapter implements Adapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      const expiresAt = expiresIn ? clock.now() + expiresIn * 1000 : null;
      await artifacts.upsert(tenantId, this.model, id, payload as Record<string, unknown>, expiresAt);
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.model === 'Client') return findClient(id);
      return live(await artifacts.find(tenantId, this.model, id));
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return live(await artifacts.findBy(tenantId, this.model, 'userCode', userCode));
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return live(await artifacts.findBy(tenantId, this.model, 'uid', uid));
    }

    async consume(id: string): Promise<void> {
      await artifacts.consume(tenantId, this.model, id, clock.now());
    }

    async destroy(id: string): Promise<void> {
      await artifacts.destroy(tenantId, this.model, id);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await artifacts.revokeByGrantId(tenantId, grantId);
    }
  };
}
