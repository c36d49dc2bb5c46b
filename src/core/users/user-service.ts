import { checkNewPassword } from '../credentials/password-policy.ts';
import { resolvePolicies } from '../policies/tenant-policies.ts';
import { assertThat } from '../errors.ts';
import type { TenantId, UserId } from '../ids.ts';
import type { CoreDeps, Store } from '../ports.ts';
import { parseEmail } from './email.ts';
import type { AttributeValue, User } from './user.ts';

export interface NewUser {
  tenantId: TenantId;
  email: string;
  password?: string;
  displayName?: string;
  attributes?: Record<string, AttributeValue>;
  emailVerified?: boolean;
  /** The password is temporary (an administrator chose it): the first sign-in must replace it. */
  passwordIsTemporary?: boolean;
}

/** A new user checked and its password hashed, not yet written. */
export interface PreparedUser {
  user: User;
  hash?: string;
  mustChange: boolean;
}

export function createUserService({ store, clock, random, hasher }: CoreDeps) {
  /** Checks a new user and hashes its password, writing nothing: the costly part, kept out of any lock. */
  async function prepare(input: NewUser): Promise<PreparedUser> {
    const { email, normalized } = parseEmail(input.email);
    const tenant = await store.tenants.findById(input.tenantId);
    const policy = resolvePolicies(tenant?.policies).password;
    const password = input.password === undefined ? undefined : checkNewPassword(input.password, policy, { email, tenantName: tenant?.name });
    const displayName = (input.displayName ?? '').trim();
    assertThat(displayName.length <= 256, 'invalid_input', 'A display name has at most 256 characters.');
    const now = clock.now();
    const user: User = {
      id: random.id() as UserId,
      tenantId: input.tenantId,
      email,
      emailNormalized: normalized,
      displayName: displayName || (email.split('@')[0] ?? email),
      attributes: input.attributes ?? {},
      enabled: true,
      emailVerified: input.emailVerified ?? false,
      createdAt: now,
      updatedAt: now,
    };
    const hash = password === undefined ? undefined : await hasher.hash(password);
    return { user, hash, mustChange: input.passwordIsTemporary === true };
  }

  /** Writes a prepared user, in `within` when given (an admin change holding the tenant's lock). Fails with email_taken. */
  async function insert({ user, hash, mustChange }: PreparedUser, within: Store = store): Promise<User> {
    await within.transaction(async (tx) => {
      await tx.users.insert(user);
      if (hash !== undefined) await tx.passwords.upsert({ userId: user.id, hash, updatedAt: user.createdAt, mustChange });
    });
    return user;
  }

  /** Creates a user, with a password credential when one is given. Fails with email_taken. */
  async function create(input: NewUser): Promise<User> {
    return insert(await prepare(input));
  }

  async function get(tenantId: TenantId, id: UserId): Promise<User> {
    const user = await store.users.findById(tenantId, id);
    assertThat(user, 'user_not_found');
    return user;
  }

  return {
    create,
    prepare,
    insert,
    get,
    find: store.users.findById,
    list: (tenantId: TenantId, opts: { limit?: number; afterEmail?: string } = {}) =>
      store.users.list(tenantId, { limit: Math.min(Math.max(opts.limit ?? 50, 1), 500), afterEmail: opts.afterEmail }),
  };
}

export type UserService = ReturnType<typeof createUserService>;
