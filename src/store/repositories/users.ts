import { type Kysely, sql } from 'kysely';
import { DomainError } from '../../core/errors.ts';
import type { TenantId, UserId } from '../../core/ids.ts';
import type { UserStore } from '../../core/ports.ts';
import type { AttributeValue, User } from '../../core/users/user.ts';
import type { Database, UsersTable } from '../schema.ts';
import { isUniqueViolation } from './unique-violation.ts';

const toUser = (r: UsersTable): User => ({
  id: r.id as UserId,
  tenantId: r.tenant_id as TenantId,
  email: r.email,
  emailNormalized: r.email_normalized,
  displayName: r.display_name,
  attributes: JSON.parse(r.attributes) as Record<string, AttributeValue>,
  enabled: Number(r.enabled) === 1,
  emailVerified: Number(r.email_verified) === 1,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

export function createUserRepository(db: Kysely<Database>): UserStore {
  return {
    async insert(u) {
      try {
        await db
          .insertInto('users')
          .values({
            id: u.id,
            tenant_id: u.tenantId,
            email: u.email,
            email_normalized: u.emailNormalized,
            display_name: u.displayName,
            attributes: JSON.stringify(u.attributes),
            enabled: u.enabled ? 1 : 0,
            email_verified: u.emailVerified ? 1 : 0,
            created_at: u.createdAt,
            updated_at: u.updatedAt,
          })
          .execute();
      } catch (error) {
        if (isUniqueViolation(error)) throw new DomainError('email_taken');
        throw error;
      }
    },
    async findById(tenantId, id) {
      const row = await db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
      return row && toUser(row);
    },
    async update(u) {
      await db
        .updateTable('users')
        .set({
          display_name: u.displayName,
          attributes: JSON.stringify(u.attributes),
          enabled: u.enabled ? 1 : 0,
          email_verified: u.emailVerified ? 1 : 0,
          updated_at: u.updatedAt,
        })
        .where('tenant_id', '=', u.tenantId)
        .where('id', '=', u.id)
        .execute();
    },
    async delete(tenantId, id) {
      // Credentials and memberships go with it (ON DELETE CASCADE, enforced on both dialects).
      await db.deleteFrom('users').where('tenant_id', '=', tenantId).where('id', '=', id).execute();
    },
    async findByEmail(tenantId, emailNormalized) {
      const row = await db
        .selectFrom('users')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('email_normalized', '=', emailNormalized)
        .executeTakeFirst();
      return row && toUser(row);
    },
    async list(tenantId, { limit, afterEmail, emailPrefix }) {
      let query = db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId);
      if (afterEmail !== undefined) query = query.where('email_normalized', '>', afterEmail);
      // LIKE with the prefix's own % _ and \ escaped, so they match only themselves.
      if (emailPrefix) query = query.where(sql<boolean>`email_normalized like ${`${emailPrefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`} escape '\\'`);
      return (await query.orderBy('email_normalized').limit(limit).execute()).map(toUser);
    },
  };
}
