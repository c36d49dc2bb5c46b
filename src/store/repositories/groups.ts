import type { Kysely } from 'kysely';
import type { GroupId, TenantId } from '../../core/ids.ts';
import type { GroupStore } from '../../core/ports.ts';
import type { Database } from '../schema.ts';

export function createGroupRepository(db: Kysely<Database>): GroupStore {
  return {
    async insert(g) {
      await db.insertInto('groups').values({ id: g.id, tenant_id: g.tenantId, name: g.name, created_at: g.createdAt }).execute();
    },
    async list(tenantId) {
      const rows = await db.selectFrom('groups').selectAll().where('tenant_id', '=', tenantId).orderBy('name').execute();
      return rows.map((r) => ({ id: r.id as GroupId, tenantId: r.tenant_id as TenantId, name: r.name, createdAt: Number(r.created_at) }));
    },
    async addMember(groupId, userId) {
      await db
        .insertInto('group_members')
        .values({ group_id: groupId, user_id: userId })
        .onConflict((oc) => oc.columns(['group_id', 'user_id']).doNothing())
        .execute();
    },
    async groupsOf(userId) {
      const rows = await db.selectFrom('group_members').select('group_id').where('user_id', '=', userId).execute();
      return rows.map((r) => r.group_id as GroupId);
    },
  };
}
