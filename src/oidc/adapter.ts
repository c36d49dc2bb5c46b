import { type Adapter, type AdapterPayload, errors } from 'oidc-provider';
import type { TenantId } from '../core/ids.ts';
import type { Clock, OidcArtifactStore } from '../core/ports.ts';

/**
 * oidc-provider's storage interface over our OidcArtifactStore, scoped to one tenant. Everything
 * the provider keeps (sessions, interactions, codes, grants, tokens) lives in the database, so
 * any node can serve any request and a restart loses nothing.
 */
/** Consumptions in progress in this process, by tenant, model and id (see consumeOnce). */
const consuming = new Map<string, Promise<unknown>>();

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

  /**
   * Why: oidc-provider reads an artifact, checks `consumed`, then calls consume(): two concurrent
   * redemptions of one code (or one refresh token) both passed the check and both got tokens
   * (seen on PostgreSQL: 5 of 5). Consuming is serialised per artifact here and re-checked under
   * that lock, so the second caller fails as a replay and the grant is revoked, as for any replay
   * (RFC 6749 §4.1.2). This holds within one node only.
   * TODO: make OidcArtifactStore.consume atomic (UPDATE … WHERE consumed_at IS NULL, returning
   * whether this call consumed it) so that it also holds across nodes, then drop the lock.
   */
  async function consumeOnce(model: string, id: string): Promise<void> {
    const key = `${tenantId}:${model}:${id}`;
    const previous = consuming.get(key) ?? Promise.resolve();
    const mine = previous.then(async () => {
      const found = await artifacts.find(tenantId, model, id);
      // Gone means an earlier replay revoked its grant (which deletes the artifact) meanwhile.
      if (!found) throw new errors.InvalidGrant(`${model} revoked`);
      if (found.consumed) {
        const grantId = found.payload.grantId;
        if (typeof grantId === 'string') await artifacts.revokeByGrantId(tenantId, grantId);
        throw new errors.InvalidGrant(`${model} already consumed`);
      }
      await artifacts.consume(tenantId, model, id, clock.now());
    });
    const settled = mine.catch(() => undefined);
    consuming.set(key, settled);
    try {
      await mine;
    } finally {
      if (consuming.get(key) === settled) consuming.delete(key);
    }
  }

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
      await consumeOnce(this.model, id);
    }

    async destroy(id: string): Promise<void> {
      await artifacts.destroy(tenantId, this.model, id);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await artifacts.revokeByGrantId(tenantId, grantId);
    }
  };
}
