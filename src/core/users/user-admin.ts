import { type ChangeActor, inTenantChange, recordChange } from '../audit/admin-change.ts';
import { assertIfMatch, etagOf } from '../concurrency/etag.ts';
import { createLockout } from '../credentials/lockout.ts';
import { checkNewPassword } from '../credentials/password-policy.ts';
import { assertThat, DomainError } from '../errors.ts';
import type { TenantId, UserId } from '../ids.ts';
import { decodeCursor, type Page, pageSize, toPage } from '../pagination/page.ts';
import { resolvePolicies } from '../policies/tenant-policies.ts';
import type { CoreDeps, Store } from '../ports.ts';
import type { Tagged } from '../user-flows/user-flow-admin.ts';
import { BUILT_IN_ATTRIBUTES, isBuiltInAttribute } from './attributes.ts';
import type { AttributeValue, User } from './user.ts';
import { createUserService, type NewUser } from './user-service.ts';

/** A user as administrators see it: never a password hash or any other secret. */
export interface UserView {
  id: UserId;
  email: string;
  displayName: string;
  attributes: Record<string, AttributeValue>;
  enabled: boolean;
  emailVerified: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface UserPatch {
  displayName?: string;
  attributes?: Record<string, AttributeValue>;
  enabled?: boolean;
  emailVerified?: boolean;
}

const viewOf = (u: User): UserView => ({
  id: u.id,
  email: u.email,
  displayName: u.displayName,
  attributes: u.attributes,
  enabled: u.enabled,
  emailVerified: u.emailVerified,
  createdAt: u.createdAt,
  updatedAt: u.updatedAt,
});
const tagged = (u: User): Tagged<UserView> => ({ view: viewOf(u), etag: etagOf(viewOf(u)) });

async function load(store: Store, tenantId: TenantId, id: UserId): Promise<User> {
  const user = await store.users.findById(tenantId, id);
  assertThat(user, 'user_not_found');
  return user;
}

/**
 * Checks attribute values an administrator sets: built-in ones are strings within their length,
 * custom ones must be defined by the tenant and have their type.
 */
async function checkAttributes(store: Store, tenantId: TenantId, values: Record<string, AttributeValue>): Promise<void> {
  const defined = await store.customAttributes.list(tenantId);
  for (const [name, value] of Object.entries(values)) {
    if (isBuiltInAttribute(name)) {
      if (typeof value !== 'string' || [...value].length > BUILT_IN_ATTRIBUTES[name].maxLength)
        throw new DomainError('attribute_invalid', `${name} must be text of at most ${BUILT_IN_ATTRIBUTES[name].maxLength} characters.`);
      continue;
    }
    const definition = defined.find((d) => d.name === name);
    if (!definition) throw new DomainError('unknown_attribute', `"${name}" is neither a built-in attribute nor a custom attribute of the tenant.`);
    if (typeof value !== definition.type) throw new DomainError('attribute_invalid', `${name} must be a ${definition.type}.`);
  }
}

/** Users as administrators manage them: every change If-Match guarded (creation aside) and audited. */
export function createUserAdmin(deps: CoreDeps) {
  const { store, clock, random } = deps;
  const users = createUserService(deps);
  const lockout = createLockout(deps.counters, deps.securityLog);

  /** Users by email, `limit` per page, optionally only those whose email starts with `emailPrefix`. */
  async function list(tenantId: TenantId, query: { limit?: number; cursor?: string; emailPrefix?: string }): Promise<Page<UserView>> {
    const limit = pageSize(query.limit);
    const after = decodeCursor(query.cursor)?.[0];
    const emailPrefix = query.emailPrefix?.normalize('NFKC').trim().toLowerCase() || undefined;
    const rows = await store.users.list(tenantId, { limit: limit + 1, afterEmail: after === undefined ? undefined : String(after), emailPrefix });
    const page = toPage(rows, limit, (u) => [u.emailNormalized]);
    return { items: page.items.map(viewOf), nextCursor: page.nextCursor };
  }

  async function create(tenantId: TenantId, input: Omit<NewUser, 'tenantId' | 'passwordIsTemporary'>, actor: ChangeActor): Promise<Tagged<UserView>> {
    // Like Entra's "require password change on first sign-in": a password an administrator chose is temporary.
    const prepared = await users.prepare({ ...input, tenantId, passwordIsTemporary: input.password !== undefined });
    // Hashed before, written in one locked change: a tenant deleted meanwhile is tenant_not_found.
    const user = await inTenantChange(store, tenantId, async (tx) => {
      if (input.attributes) await checkAttributes(tx, tenantId, input.attributes);
      const created = await users.insert(prepared, tx);
      await recordChange(tx, clock, { tenantId, actor, action: 'user.created', target: created.id, before: null, after: viewOf(created) });
      return created;
    });
    return tagged(user);
  }

  /** Changes profile fields; disabling also ends every session and refresh token of the user. */
  async function update(tenantId: TenantId, id: UserId, patch: UserPatch, ifMatch: string | undefined, actor: ChangeActor): Promise<Tagged<UserView>> {
    return inTenantChange(store, tenantId, async (tx) => {
      const before = await load(tx, tenantId, id);
      assertIfMatch(ifMatch, tagged(before).etag);
      const attributes = patch.attributes === undefined ? before.attributes : { ...before.attributes, ...patch.attributes };
      if (patch.attributes) await checkAttributes(tx, tenantId, patch.attributes);
      const displayName = patch.displayName === undefined ? before.displayName : patch.displayName.normalize('NFKC').trim();
      assertThat(displayName.length > 0 && displayName.length <= 256, 'invalid_input', 'A display name has 1 to 256 characters.');
      const after: User = {
        ...before,
        displayName,
        attributes,
        enabled: patch.enabled ?? before.enabled,
        emailVerified: patch.emailVerified ?? before.emailVerified,
        updatedAt: clock.now(),
      };
      await tx.users.update(after);
      if (before.enabled && !after.enabled) await tx.oidcArtifacts.revokeByAccount(tenantId, id);
      await recordChange(tx, clock, {
        tenantId,
        actor,
        action: after.enabled === before.enabled ? 'user.updated' : after.enabled ? 'user.enabled' : 'user.disabled',
        target: id,
        before: viewOf(before),
        after: viewOf(after),
      });
      return tagged(after);
    });
  }

  async function remove(tenantId: TenantId, id: UserId, ifMatch: string | undefined, actor: ChangeActor): Promise<void> {
    await inTenantChange(store, tenantId, async (tx) => {
      const before = await load(tx, tenantId, id);
      assertIfMatch(ifMatch, tagged(before).etag);
      await tx.oidcArtifacts.revokeByAccount(tenantId, id);
      await tx.users.delete(tenantId, id);
      await recordChange(tx, clock, { tenantId, actor, action: 'user.deleted', target: id, before: viewOf(before), after: null });
    });
  }

  /**
   * Sets a password the administrator hands to the user (one is generated when none is given and
   * returned once). Every session ends and any lockout is cleared, as after a self-service reset.
   */
  async function setPassword(tenantId: TenantId, id: UserId, password: string | undefined, actor: ChangeActor): Promise<{ temporaryPassword: string }> {
    const user = await load(store, tenantId, id);
    const tenant = await store.tenants.findById(tenantId);
    const chosen = password ?? `${random.token(12)}-${random.digits(2)}`;
    const normalized = checkNewPassword(chosen, resolvePolicies(tenant?.policies).password, { email: user.email, tenantName: tenant?.name });
    const hash = await deps.hasher.hash(normalized);
    // Hashed before, written in one locked change that still finds the user: deleted meanwhile, it is user_not_found.
    await inTenantChange(store, tenantId, async (tx) => {
      await load(tx, tenantId, id);
      await tx.passwords.upsert({ userId: id, hash, updatedAt: clock.now(), mustChange: true });
      await tx.oidcArtifacts.revokeByAccount(tenantId, id);
      await recordChange(tx, clock, { tenantId, actor, action: 'user.password_set', target: id, before: null, after: { generated: password === undefined } });
    });
    await lockout.clear(tenantId, user.emailNormalized);
    return { temporaryPassword: chosen };
  }

  /** Ends every session, grant and refresh token of the user (they must sign in again). */
  async function revokeSessions(tenantId: TenantId, id: UserId, actor: ChangeActor): Promise<void> {
    await inTenantChange(store, tenantId, async (tx) => {
      await load(tx, tenantId, id);
      await tx.oidcArtifacts.revokeByAccount(tenantId, id);
      await recordChange(tx, clock, { tenantId, actor, action: 'user.sessions_revoked', target: id, before: null, after: null });
    });
  }

  return {
    list,
    get: async (tenantId: TenantId, id: UserId) => tagged(await load(store, tenantId, id)),
    groupsOf: (id: UserId) => store.groups.groupsOf(id),
    create,
    update,
    remove,
    setPassword,
    revokeSessions,
  };
}

export type UserAdmin = ReturnType<typeof createUserAdmin>;
