import { ADMIN_TENANT } from '../admin/admin-directory.ts';
import { type ChangeActor, inTenantChange, recordChange } from '../audit/admin-change.ts';
import { assertIfMatch, etagOf } from '../concurrency/etag.ts';
import { assertThat, DomainError } from '../errors.ts';
import type { TenantId } from '../ids.ts';
import type { CoreDeps, Store } from '../ports.ts';
import type { Tagged } from '../user-flows/user-flow-admin.ts';
import type { SigningKey } from './signing-key.ts';
import type { Tenant } from './tenant.ts';
import { createTenantService } from './tenant-service.ts';

/** A tenant as administrators see it. Its name (URL prefix and issuer) never changes; its display name may. */
export interface TenantView {
  id: TenantId;
  name: string;
  displayName: string;
  createdAt: number;
}

/** A signing key as listed: public facts only. */
export interface SigningKeyView {
  kid: string;
  alg: string;
  status: 'active' | 'retired';
  createdAt: number;
  expiresAt: number | null;
}

const viewOf = (t: Tenant): TenantView => ({ id: t.id, name: t.name, displayName: t.displayName, createdAt: t.createdAt });
const tagged = (t: Tenant): Tagged<TenantView> => ({ view: viewOf(t), etag: etagOf(viewOf(t)) });
const keyView = ({ kid, alg, status, createdAt, expiresAt }: SigningKey): SigningKeyView => ({ kid, alg, status, createdAt, expiresAt });

/** A customer tenant by id (the admin directory is Latchkey's own and not managed here). */
async function load(store: Store, id: TenantId): Promise<Tenant> {
  const tenant = await store.tenants.findById(id);
  if (!tenant || tenant.name === ADMIN_TENANT) throw new DomainError('tenant_not_found');
  return tenant;
}

function checkDisplayName(displayName: string): string {
  const clean = displayName.normalize('NFKC').trim();
  assertThat(clean.length > 0 && clean.length <= 256, 'invalid_input', 'A display name has 1 to 256 characters.');
  return clean;
}

/** Tenants and their signing keys, as administrators manage them. */
export function createTenantAdmin(deps: CoreDeps) {
  const { store, clock } = deps;
  const tenants = createTenantService(deps);

  async function create(name: string, displayName: string | undefined, actor: ChangeActor): Promise<Tagged<TenantView>> {
    const tenant = await tenants.create(name, displayName === undefined ? undefined : checkDisplayName(displayName));
    await recordChange(store, clock, { tenantId: tenant.id, actor, action: 'tenant.created', target: tenant.id, before: null, after: viewOf(tenant) });
    return tagged(tenant);
  }

  async function rename(id: TenantId, displayName: string, ifMatch: string | undefined, actor: ChangeActor): Promise<Tagged<TenantView>> {
    return inTenantChange(store, id, async (tx) => {
      const before = await load(tx, id);
      assertIfMatch(ifMatch, tagged(before).etag);
      const after = { ...before, displayName: checkDisplayName(displayName) };
      await tx.tenants.setDisplayName(id, after.displayName);
      await tx.tenants.bumpConfigVersion(id);
      await recordChange(tx, clock, { tenantId: id, actor, action: 'tenant.renamed', target: id, before: viewOf(before), after: viewOf(after) });
      return tagged(after);
    });
  }

  /**
   * Deletes the tenant and everything in it, once the caller typed its name as confirmation. The
   * tenant's own audit log goes with it, so the deletion is recorded in the admin directory's.
   */
  async function remove(id: TenantId, confirm: string, ifMatch: string | undefined, actor: ChangeActor): Promise<void> {
    await store.transaction(async (tx) => {
      await tx.tenants.lock(id);
      const before = await load(tx, id);
      assertIfMatch(ifMatch, tagged(before).etag);
      if (confirm !== before.name) throw new DomainError('confirmation_mismatch');
      await tx.tenants.delete(id);
      const directory = await tx.tenants.findByName(ADMIN_TENANT);
      if (directory)
        await recordChange(tx, clock, { tenantId: directory.id, actor, action: 'tenant.deleted', target: id, before: viewOf(before), after: null });
    });
  }

  async function rotateKeys(id: TenantId, actor: ChangeActor): Promise<SigningKeyView> {
    await load(store, id);
    const key = await tenants.rotateKeys(id);
    // Locked, so a deletion of the tenant right after the rotation is tenant_not_found, not an audit entry of nothing.
    await inTenantChange(store, id, (tx) =>
      recordChange(tx, clock, { tenantId: id, actor, action: 'tenant.keys_rotated', target: key.kid, before: null, after: keyView(key) }),
    );
    return keyView(key);
  }

  return {
    list: async () => (await tenants.list()).map(viewOf),
    get: async (id: TenantId) => tagged(await load(store, id)),
    create,
    rename,
    remove,
    keys: async (id: TenantId) => (await tenants.liveKeys(id)).map(keyView),
    rotateKeys,
  };
}

export type TenantAdmin = ReturnType<typeof createTenantAdmin>;
