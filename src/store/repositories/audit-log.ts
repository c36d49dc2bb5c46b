import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { TenantId } from '../../core/ids.ts';
import type { AuditLogStore } from '../../core/ports.ts';
import type { Database } from '../schema.ts';

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
      return rows.map((r) => ({
        tenantId: r.tenant_id as TenantId,
        at: Number(r.at),
        actor: r.actor,
        action: r.action,
        target: r.target,
        details: JSON.parse(r.details) as Record<string, unknown>,
      }));
    },
  };
}
