import { type ChangeActor, inTenantChange, recordChange } from '../audit/admin-change.ts';
import { assertIfMatch, etagOf } from '../concurrency/etag.ts';
import { assertThat, DomainError } from '../errors.ts';
import type { GroupId, TenantId, UserId } from '../ids.ts';
import { resolvePolicies } from '../policies/tenant-policies.ts';
import type { CoreDeps, Store } from '../ports.ts';
import type { Tagged } from '../user-flows/user-flow-admin.ts';
import type { Group } from './user.ts';

export interface GroupView {
  id: GroupId;
  name: string;
  createdAt: number;
}

export interface MemberView {
  id: UserId;
  email: string;
  displayName: string;
}

const viewOf = (g: Group): GroupView => ({ id: g.id, name: g.name, createdAt: g.createdAt });
const tagged = (g: Group): Tagged<GroupView> => ({ view: viewOf(g), etag: etagOf(viewOf(g)) });

function checkName(name: string): string {
  const clean = name.normalize('NFKC').trim();
  assertThat(clean.length > 0 && clean.length <= 256, 'invalid_input', 'A group needs a name of 1 to 256 characters.');
  return clean;
}

async function load(store: Store, tenantId: TenantId, id: GroupId): Promise<Group> {
  const group = await store.groups.findById(tenantId, id);
  assertThat(group, 'group_not_found');
  return group;
}

/** Groups and their members, as administrators manage them (targets of the authentication methods policy). */
export function createGroupAdmin({ store, clock, random }: CoreDeps) {
  async function create(tenantId: TenantId, name: string, actor: ChangeActor): Promise<Tagged<GroupView>> {
    const group: Group = { id: random.id() as GroupId, tenantId, name: checkName(name), createdAt: clock.now() };
    return inTenantChange(store, tenantId, async (tx) => {
      await tx.groups.insert(group);
      await recordChange(tx, clock, { tenantId, actor, action: 'group.created', target: group.id, before: null, after: viewOf(group) });
      return tagged(group);
    });
  }

  async function rename(tenantId: TenantId, id: GroupId, name: string, ifMatch: string | undefined, actor: ChangeActor): Promise<Tagged<GroupView>> {
    return inTenantChange(store, tenantId, async (tx) => {
      const before = await load(tx, tenantId, id);
      assertIfMatch(ifMatch, tagged(before).etag);
      const after = { ...before, name: checkName(name) };
      await tx.groups.rename(tenantId, id, after.name);
      await recordChange(tx, clock, { tenantId, actor, action: 'group.renamed', target: id, before: viewOf(before), after: viewOf(after) });
      return tagged(after);
    });
  }

  /**
   * Deletes a group the authentication methods policy does not name (group_in_use otherwise):
   * dropping an excluded group from the policy silently would let its members in.
   */
  async function remove(tenantId: TenantId, id: GroupId, ifMatch: string | undefined, actor: ChangeActor): Promise<void> {
    await inTenantChange(store, tenantId, async (tx) => {
      const before = await load(tx, tenantId, id);
      assertIfMatch(ifMatch, tagged(before).etag);
      const tenant = await tx.tenants.findById(tenantId);
      const { includeTargets, excludeTargets } = resolvePolicies(tenant?.policies).authMethods.emailOtp;
      if ([...includeTargets, ...excludeTargets].includes(id)) throw new DomainError('group_in_use');
      await tx.groups.delete(tenantId, id);
      await recordChange(tx, clock, { tenantId, actor, action: 'group.deleted', target: id, before: viewOf(before), after: null });
    });
  }

  async function members(tenantId: TenantId, id: GroupId): Promise<MemberView[]> {
    await load(store, tenantId, id);
    const users = await Promise.all((await store.groups.members(id)).map((userId) => store.users.findById(tenantId, userId)));
    return users.filter((u) => u !== undefined).map((u) => ({ id: u.id, email: u.email, displayName: u.displayName }));
  }

  /** Adds (`member` true) or removes a user; both are idempotent. */
  async function setMember(tenantId: TenantId, id: GroupId, userId: UserId, member: boolean, actor: ChangeActor): Promise<void> {
    await inTenantChange(store, tenantId, async (tx) => {
      await load(tx, tenantId, id);
      assertThat(await tx.users.findById(tenantId, userId), 'user_not_found');
      if (member) await tx.groups.addMember(id, userId);
      else await tx.groups.removeMember(id, userId);
      await recordChange(tx, clock, {
        tenantId,
        actor,
        action: member ? 'group.member_added' : 'group.member_removed',
        target: id,
        before: null,
        after: { userId },
      });
    });
  }

  return {
    list: async (tenantId: TenantId) => (await store.groups.list(tenantId)).map(viewOf),
    get: async (tenantId: TenantId, id: GroupId) => tagged(await load(store, tenantId, id)),
    create,
    rename,
    remove,
    members,
    setMember,
  };
}

export type GroupAdmin = ReturnType<typeof createGroupAdmin>;
