import type { Kysely } from 'kysely';
import { DomainError } from '../../core/errors.ts';
import type { GroupId, TenantId, UserId } from '../../core/ids.ts';
import type { GroupStore } from '../../core/ports.ts';
import type { Group } from '../../core/users/user.ts';
import type { Database, GroupsTable } from '../schema.ts';
import { isUniqueViolation } from './unique-violation.ts';

const toGroup = (r: GroupsTable): Group => ({ id: r.id as GroupId, tenantId: r.tenant_id as TenantId, name: r.name, createdAt: Number(r.created_at) });

const nameTaken = (error: unknown) => {
  if (isUniqueViolation(error)) throw new DomainError('group_exists');
  throw error;
};

export function createGroupRepository(db: Kysely<Database>): GroupStore {
  return {
    async insert(g) {
      await db.insertInto('groups').values({ id: g.id, tenant_id: g.tenantId, name: g.name, created_at: g.createdAt }).execute().catch(nameTaken);
    },
    async list(tenantId) {
      const rows = await db.selectFrom('groups').selectAll().where('tenant_id', '=', tenantId).orderBy('name').execute();
      return rows.map(toGroup);
    },
    async findById(tenantId, id) {
      const row = await db.selectFrom('groups').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
      return row && toGroup(row);
    },
    async rename(tenantId, id, name) {
      await db.updateTable('groups').set({ name }).where('tenant_id', '=', tenantId).where('id', '=', id).execute().catch(nameTaken);
    },
    async delete(tenantId, id) {
      await db.deleteFrom('groups').where('tenant_id', '=', tenantId).where('id', '=', id).execute();
    },
    async addMember(groupId, userId) {
      await db
        .insertInto('group_members')
        .values({ group_id: groupId, user_id: userId })
        .onConflict((oc) => oc.columns(['group_id', 'user_id']).doNothing())
        .execute();
    },
    async removeMember(groupId, userId) {
      await db.deleteFrom('group_members').where('group_id', '=', groupId).where('user_id', '=', userId).execute();
    },
    async members(groupId) {
      const rows = await db.selectFrom('group_members').select('user_id').where('group_id', '=', groupId).orderBy('user_id').execute();
      return rows.map((r) => r.user_id as UserId);
    },
    async groupsOf(userId) {
      const rows = await db.selectFrom('group_members').select('group_id').where('user_id', '=', userId).execute();
      return rows.map((r) => r.group_id as GroupId);
    },
  };
}
