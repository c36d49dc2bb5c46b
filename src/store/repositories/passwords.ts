import type { Kysely } from 'kysely';
import type { UserId } from '../../core/ids.ts';
import type { PasswordStore } from '../../core/ports.ts';
import type { Database } from '../schema.ts';

export function createPasswordRepository(db: Kysely<Database>): PasswordStore {
  return {
    async find(userId) {
      const row = await db.selectFrom('password_credentials').selectAll().where('user_id', '=', userId).executeTakeFirst();
      // mustChange appears only when set, the exception rather than the rule.
      return row && { userId: row.user_id as UserId, hash: row.hash, updatedAt: Number(row.updated_at), ...(Number(row.must_change) === 1 ? { mustChange: true } : {}) };
    },
    async upsert(c) {
      await db
        .insertInto('password_credentials')
        .values({ user_id: c.userId, hash: c.hash, updated_at: c.updatedAt, must_change: c.mustChange ? 1 : 0 })
        .onConflict((oc) => oc.column('user_id').doUpdateSet({ hash: c.hash, updated_at: c.updatedAt, must_change: c.mustChange ? 1 : 0 }))
        .execute();
    },
  };
}
