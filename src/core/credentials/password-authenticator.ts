import type { TenantId } from '../ids.ts';
import type { CoreDeps } from '../ports.ts';
import type { User } from '../users/user.ts';
import type { SignInReason } from '../audit/sign-in-event.ts';

export type PasswordCheck = { ok: true; user: User; mustChange: boolean } | { ok: false; user: User | null; reason: Exclude<SignInReason, 'ok'> };

/**
 * Verifies an email and password. Every path costs exactly one Argon2 verification (a dummy
 * hash stands in for an unknown email or a user without a password), so timing does not tell
 * whether an account exists. A hash made with old parameters is replaced after a success.
 */
export function createPasswordAuthenticator({ store, hasher, clock, random }: CoreDeps) {
  let dummyHash: Promise<string> | undefined;
  const dummy = () => {
    dummyHash ??= hasher.hash(random.token(24));
    return dummyHash;
  };

  async function check(tenantId: TenantId, emailNormalized: string, password: string): Promise<PasswordCheck> {
    const user = (await store.users.findByEmail(tenantId, emailNormalized)) ?? null;
    const credential = user ? await store.passwords.find(user.id) : undefined;
    const normalized = password.normalize('NFKC');
    const matches = await hasher.verify(credential?.hash ?? (await dummy()), normalized);
    if (!user) return { ok: false, user: null, reason: 'unknown_user' };
    if (!credential) return { ok: false, user, reason: 'no_password' };
    if (!matches) return { ok: false, user, reason: 'invalid_password' };
    if (!user.enabled) return { ok: false, user, reason: 'user_disabled' };
    if (hasher.needsRehash(credential.hash)) {
      await store.passwords.upsert({ userId: user.id, hash: await hasher.hash(normalized), updatedAt: clock.now(), mustChange: credential.mustChange });
    }
    return { ok: true, user, mustChange: credential.mustChange === true };
  }

  return { check, warmUp: () => dummy().then(() => undefined) };
}

export type PasswordAuthenticator = ReturnType<typeof createPasswordAuthenticator>;
