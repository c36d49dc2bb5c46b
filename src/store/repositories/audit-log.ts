import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { TenantId } from '../../core/ids.ts';
import type { AuditEvent, AuditLogStore } from '../../core/ports.ts';
import type { AuditLogTable, Database } from '../schema.ts';
import { applyLogQuery } from './log-query.ts';

const toEvent = (r: AuditLogTable): AuditEvent => ({
  tenantId: r.tenant_id as TenantId,
  at: Number(r.at),
  actor: r.actor,
  action: r.action,
  target: r.target,
  details: JSON.parse(r.details) as Record<string, unknown>,
});

export function createAuditLogRepository(db: Kysely<Database>): AuditLogStore {
  return {
    async append(e) {
      await db
        .insertInto('audit_log')
        .values({ id: randomUUID(), tenant_id: e.tenantId, at: e.at, actor: e.actor, action: e.action, target: e.target, details: JSON.stringify(e.details) })
        .execute();
    },
    async list(tenantId, limit) {
      const rows = await db.selectFrom('audit_log').selectAll().where('tenant_id', '=', tenantId).orderBy('at', 'desc').limit(limit).execute();
      return rows.map(toEvent);
    },
    async search(tenantId, q) {
      let query = db.selectFrom('audit_log').selectAll().where('tenant_id', '=', tenantId);
      if (q.actor !== undefined) query = query.where('actor', '=', q.actor);
      if (q.target !== undefined) query = query.where('target', '=', q.target);
      if (q.action !== undefined) query = query.where('action', '=', q.action);
      return (await applyLogQuery(query, q).execute()).map((r) => ({ ...toEvent(r), id: r.id }));
    },
  };
}
