import { type Adapter, type AdapterPayload, errors } from 'oidc-provider';
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

  /**
   * Why: oidc-provider reads an artifact, checks `consumed`, then calls consume(): two concurrent
   * redemptions of one code (or one refresh token) could both pass the check. The store's consume
   * is one conditional UPDATE, so across every node exactly one caller wins; the others fail as a
   * replay and the grant is revoked, as for any replay (RFC 6749 §4.1.2).
   */
  async function consumeOnce(model: string, id: string): Promise<void> {
    if (await artifacts.consume(tenantId, model, id, clock.now())) return;
    const found = await artifacts.find(tenantId, model, id);
    // Gone means an earlier replay revoked its grant (which deletes the artifact) meanwhile.
    if (!found) throw new errors.InvalidGrant(`${model} revoked`);
    const grantId = found.payload.grantId;
    if (typeof grantId === 'string') await artifacts.revokeByGrantId(tenantId, grantId);
    throw new errors.InvalidGrant(`${model} already consumed`);
  }

  /**
   * Identifiers come straight from requests oidc-provider parses itself (a token to revoke or
   * introspect, a client_id). None Latchkey issues holds a NUL, and PostgreSQL refuses NUL in text
   * with an error, so such a lookup finds nothing instead of failing with a 500.
   */
  const issuable = (id: unknown) => typeof id !== 'string' || !id.includes('\u0000');

  return class ArtifactAdapter implements Adapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      const expiresAt = expiresIn ? clock.now() + expiresIn * 1000 : null;
      await artifacts.upsert(tenantId, this.model, id, payload as Record<string, unknown>, expiresAt);
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (!issuable(id)) return undefined;
      if (this.model === 'Client') return findClient(id);
      return live(await artifacts.find(tenantId, this.model, id));
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      if (!issuable(userCode)) return undefined;
      return live(await artifacts.findBy(tenantId, this.model, 'userCode', userCode));
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      if (!issuable(uid)) return undefined;
      return live(await artifacts.findBy(tenantId, this.model, 'uid', uid));
    }

    async consume(id: string): Promise<void> {
      await consumeOnce(this.model, id);
    }

    async destroy(id: string): Promise<void> {
      if (!issuable(id)) return;
      await artifacts.destroy(tenantId, this.model, id);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      if (!issuable(grantId)) return;
      await artifacts.revokeByGrantId(tenantId, grantId);
    }
  };
}
