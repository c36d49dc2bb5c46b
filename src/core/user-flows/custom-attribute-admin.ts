import { type ChangeActor, inTenantChange, recordChange } from '../audit/admin-change.ts';
import { assertIfMatch, etagOf } from '../concurrency/etag.ts';
import { assertThat, DomainError } from '../errors.ts';
import type { TenantId } from '../ids.ts';
import type { CoreDeps, Store } from '../ports.ts';
import type { CustomAttribute } from './user-flow.ts';
import type { Tagged } from './user-flow-admin.ts';
import { checkAttributeName } from './user-flow-rules.ts';

async function load(store: Store, tenantId: TenantId, name: string): Promise<CustomAttribute> {
  const found = (await store.customAttributes.list(tenantId)).find((a) => a.name === name);
  assertThat(found, 'attribute_not_found');
  return found;
}

const tagged = (attribute: CustomAttribute): Tagged<CustomAttribute> => ({ view: attribute, etag: etagOf(attribute) });

/**
 * The tenant's custom attribute definitions (Entra's "custom user attributes"). User flows collect
 * them by name; a flow keeps a copy of each definition it collects, refreshed here on every change.
 */
export function createCustomAttributeAdmin({ store, clock }: CoreDeps) {
  async function create(tenantId: TenantId, attribute: CustomAttribute, actor: ChangeActor): Promise<Tagged<CustomAttribute>> {
    checkAttributeName(attribute.name);
    const clean = { ...attribute, label: attribute.label.trim() || attribute.name };
    return inTenantChange(store, tenantId, async (tx) => {
      await tx.customAttributes.insert(tenantId, clean, clock.now());
      await recordChange(tx, clock, { tenantId, actor, action: 'custom_attribute.created', target: clean.name, before: null, after: clean });
      return tagged(clean);
    });
  }

  async function update(
    tenantId: TenantId,
    name: string,
    patch: Partial<Omit<CustomAttribute, 'name'>>,
    ifMatch: string | undefined,
    actor: ChangeActor,
  ): Promise<Tagged<CustomAttribute>> {
    return inTenantChange(store, tenantId, async (tx) => {
      const before = await load(tx, tenantId, name);
      assertIfMatch(ifMatch, etagOf(before));
      const after: CustomAttribute = { ...before, ...patch, name, label: (patch.label ?? before.label).trim() || name };
      await tx.customAttributes.update(tenantId, after);
      for (const flow of await tx.userFlows.list(tenantId)) {
        if (!flow.customAttributes.some((c) => c.name === name)) continue;
        await tx.userFlows.update({ ...flow, customAttributes: flow.customAttributes.map((c) => (c.name === name ? after : c)) });
      }
      await recordChange(tx, clock, { tenantId, actor, action: 'custom_attribute.updated', target: name, before, after });
      return tagged(after);
    });
  }

  /** Deletes a definition no user flow collects (attribute_in_use otherwise). */
  async function remove(tenantId: TenantId, name: string, ifMatch: string | undefined, actor: ChangeActor): Promise<void> {
    await inTenantChange(store, tenantId, async (tx) => {
      const before = await load(tx, tenantId, name);
      assertIfMatch(ifMatch, etagOf(before));
      const users = (await tx.userFlows.list(tenantId)).filter((f) => f.customAttributes.some((c) => c.name === name));
      if (users.length > 0) throw new DomainError('attribute_in_use', `User flows ${users.map((f) => `"${f.name}"`).join(', ')} still collect "${name}".`);
      await tx.customAttributes.delete(tenantId, name);
      await recordChange(tx, clock, { tenantId, actor, action: 'custom_attribute.deleted', target: name, before, after: null });
    });
  }

  return {
    list: (tenantId: TenantId) => store.customAttributes.list(tenantId),
    get: async (tenantId: TenantId, name: string) => tagged(await load(store, tenantId, name)),
    create,
    update,
    remove,
  };
}

export type CustomAttributeAdmin = ReturnType<typeof createCustomAttributeAdmin>;
