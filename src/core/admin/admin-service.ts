import { DomainError, assertThat } from '../errors.ts';
import type { UserId } from '../ids.ts';
import type { AdminGrantRecord, CoreDeps } from '../ports.ts';
import type { Tenant } from '../tenants/tenant.ts';
import type { User } from '../users/user.ts';
import { parseEmail } from '../users/email.ts';
import { createUserService } from '../users/user-service.ts';
import { ADMIN_TENANT } from './admin-directory.ts';
import { type ApiKey, apiKeyIdOf, apiKeyMatches, hashApiKey, mintApiKey } from './api-key.ts';
import { ADMIN_ROLES, type AdminPrincipal, type AdminRole, type RoleGrant, type StoredGrant, actorOf, isAdminRole } from './roles.ts';

/** A grant as people write it: a role, on the named tenants or (none named) on every tenant. */
export interface GrantInput {
  role: string;
  tenants?: readonly string[];
}

export interface NewAdmin {
  email: string;
  /** Without one, the admin sets a password through "Forgot password?" on the sign-in page. */
  password?: string;
  displayName?: string;
  grants: readonly GrantInput[];
}

/** Who makes a change, for the audit log: an authenticated principal (and where it called from) or the command line. */
export type Actor = (Pick<AdminPrincipal, 'kind' | 'id'> & { ip?: string }) | 'cli';

/** An API key as lists show it: never its hash. */
export type ApiKeyView = Omit<ApiKey, 'secretHash'>;

/** Uses are recorded at most this often per key, so a busy script does not write on every call. */
const TOUCH_INTERVAL_MS = 60_000;

const view = ({ secretHash: _hash, ...rest }: ApiKey): ApiKeyView => rest;

/**
 * Administrators (users of the admin directory with role grants) and API keys: creating them,
 * granting and revoking roles, and turning a presented credential into a principal. Every change
 * goes to the admin directory's audit log.
 */
export function createAdminService(deps: CoreDeps) {
  const { store, clock, random } = deps;
  const users = createUserService(deps);

  async function directory(): Promise<Tenant> {
    const tenant = await store.tenants.findByName(ADMIN_TENANT);
    if (!tenant) throw new Error('The admin directory does not exist (services start-up creates it).');
    return tenant;
  }

  async function audit(actor: Actor, action: string, target: string | null, details: Record<string, unknown> = {}): Promise<void> {
    const tenant = await directory();
    const source = actor === 'cli' ? { source: 'cli' } : { ip: actor.ip ?? null };
    await store.auditLog.append({ tenantId: tenant.id, at: clock.now(), actor: actorOf(actor), action, target, details: { ...details, ...source } });
  }

  /** Checks a grant and turns tenant names into ids: a named tenant must exist and not be the admin directory. */
  async function toStored(input: GrantInput): Promise<StoredGrant[]> {
    const role = input.role;
    if (!isAdminRole(role)) throw new DomainError('invalid_input', `Unknown role "${role}" (global_admin, tenant_admin or auditor).`);
    const names = [...new Set(input.tenants ?? [])];
    if (role === 'global_admin') {
      assertThat(names.length === 0, 'invalid_input', 'A global administrator has every tenant; name no tenant.');
      return [{ role, tenantId: null }];
    }
    if (role === 'tenant_admin') assertThat(names.length > 0, 'invalid_input', 'A tenant administrator needs at least one tenant.');
    if (names.length === 0) return [{ role, tenantId: null }];
    const grants: StoredGrant[] = [];
    for (const name of names) {
      const tenant = name === ADMIN_TENANT ? undefined : await store.tenants.findByName(name);
      if (!tenant) throw new DomainError('tenant_not_found', `No tenant named "${name}".`);
      grants.push({ role, tenantId: tenant.id });
    }
    return grants;
  }

  async function storedGrants(inputs: readonly GrantInput[]): Promise<StoredGrant[]> {
    return (await Promise.all(inputs.map(toStored))).flat();
  }

  /** Stored grants as the access rules read them: tenant names, one entry per role; grants on deleted tenants drop out. */
  async function resolve(grants: readonly StoredGrant[]): Promise<RoleGrant[]> {
    const byRole = new Map<AdminRole, RoleGrant>();
    for (const grant of grants) {
      const tenant = grant.tenantId === null ? undefined : await store.tenants.findById(grant.tenantId);
      if (grant.tenantId !== null && !tenant) continue;
      const current = byRole.get(grant.role) ?? { role: grant.role, tenants: [] };
      if (!tenant) current.tenants = 'all';
      else if (current.tenants !== 'all') current.tenants.push(tenant.name);
      byRole.set(grant.role, current);
    }
    return [...byRole.values()].sort((x, y) => ADMIN_ROLES.indexOf(x.role) - ADMIN_ROLES.indexOf(y.role));
  }

  async function findAdmin(idOrEmail: string): Promise<User> {
    const tenant = await directory();
    const user = idOrEmail.includes('@')
      ? await store.users.findByEmail(tenant.id, parseEmail(idOrEmail).normalized)
      : await store.users.findById(tenant.id, idOrEmail as UserId);
    assertThat(user, 'user_not_found', 'No administrator with this id or email.');
    return user;
  }

  async function createAdmin(input: NewAdmin, actor: Actor): Promise<{ admin: User; grants: RoleGrant[] }> {
    const grants = await storedGrants(input.grants);
    const tenant = await directory();
    const admin = await users.create({ tenantId: tenant.id, email: input.email, password: input.password, displayName: input.displayName, emailVerified: true });
    const now = clock.now();
    await store.transaction(async (tx) => {
      for (const grant of grants) await tx.adminGrants.add({ ...grant, adminId: admin.id, createdAt: now });
    });
    await audit(actor, 'admin.created', admin.id, { email: admin.email, grants, password: input.password !== undefined });
    return { admin, grants: await resolve(grants) };
  }

  async function grant(adminId: UserId, input: GrantInput, actor: Actor): Promise<RoleGrant[]> {
    const admin = await findAdmin(adminId);
    const now = clock.now();
    const grants = await toStored(input);
    for (const g of grants) await store.adminGrants.add({ ...g, adminId: admin.id, createdAt: now });
    await audit(actor, 'admin.granted', admin.id, { grants });
    return resolve(await store.adminGrants.list(admin.id));
  }

  async function revoke(adminId: UserId, input: GrantInput, actor: Actor): Promise<RoleGrant[]> {
    const admin = await findAdmin(adminId);
    const grants = await toStored(input);
    for (const g of grants) await store.adminGrants.remove(admin.id, g);
    await audit(actor, 'admin.revoked', admin.id, { grants });
    return resolve(await store.adminGrants.list(admin.id));
  }

  async function listAdmins(): Promise<Array<{ admin: User; grants: RoleGrant[] }>> {
    const tenant = await directory();
    const all = await store.adminGrants.listAll();
    const admins = await store.users.list(tenant.id, { limit: 500 });
    const of = (id: UserId) => all.filter((g: AdminGrantRecord) => g.adminId === id);
    return Promise.all(admins.map(async (admin) => ({ admin, grants: await resolve(of(admin.id)) })));
  }

  /** Makes an API key; its secret is in the answer and nowhere else, ever. */
  async function createApiKey(input: { name: string; grants: readonly GrantInput[] }, actor: Actor): Promise<{ key: ApiKeyView; grants: RoleGrant[]; secret: string }> {
    const name = input.name.trim();
    assertThat(name.length > 0 && name.length <= 100, 'invalid_input', 'An API key needs a name of at most 100 characters.');
    assertThat(input.grants.length > 0, 'invalid_input', 'An API key needs at least one role.');
    const grants = await storedGrants(input.grants);
    const { id, secret } = mintApiKey(random);
    const key: ApiKey = { id, name, prefix: `lk_${id}`, secretHash: hashApiKey(secret), grants, createdAt: clock.now(), lastUsedAt: null, revokedAt: null };
    await store.apiKeys.insert(key);
    await audit(actor, 'api_key.created', id, { name, grants });
    return { key: view(key), grants: await resolve(grants), secret };
  }

  async function revokeApiKey(id: string, actor: Actor): Promise<void> {
    const revoked = await store.apiKeys.revoke(id, clock.now());
    assertThat(revoked, 'api_key_not_found');
    await audit(actor, 'api_key.revoked', id);
  }

  async function listApiKeys(): Promise<Array<ApiKeyView & { roles: RoleGrant[] }>> {
    return Promise.all((await store.apiKeys.list()).map(async (key) => ({ ...view(key), roles: await resolve(key.grants) })));
  }

  /** The principal of a presented API key, or undefined for an unknown, revoked or malformed one. */
  async function authenticateApiKey(presented: string): Promise<AdminPrincipal | undefined> {
    const id = apiKeyIdOf(presented);
    const key = id === undefined ? undefined : await store.apiKeys.findById(id);
    // Compare even when there is no key, so the answer takes as long either way.
    const matches = apiKeyMatches(key ?? { secretHash: hashApiKey('') }, presented);
    if (!key || !matches || key.revokedAt !== null) return undefined;
    const now = clock.now();
    if (key.lastUsedAt === null || now - key.lastUsedAt >= TOUCH_INTERVAL_MS) await store.apiKeys.touch(key.id, now);
    return { kind: 'api_key', id: key.id, label: key.name, grants: await resolve(key.grants) };
  }

  /** The principal of a signed-in administrator, or undefined when the account is gone or disabled. */
  async function principalOfAdmin(userId: string): Promise<AdminPrincipal | undefined> {
    const tenant = await directory();
    const user = await store.users.findById(tenant.id, userId as UserId);
    if (!user?.enabled) return undefined;
    return { kind: 'admin', id: user.id, label: user.email, grants: await resolve(await store.adminGrants.list(user.id)) };
  }

  return { directory, audit, createAdmin, findAdmin, grant, revoke, listAdmins, createApiKey, revokeApiKey, listApiKeys, authenticateApiKey, principalOfAdmin };
}

export type AdminService = ReturnType<typeof createAdminService>;
