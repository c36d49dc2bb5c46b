import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { SignInEvent, SignInOutcome, SignInReason } from '../../core/audit/sign-in-event.ts';
import type { AppId, TenantId, UserId } from '../../core/ids.ts';
import type { SignInLogStore } from '../../core/ports.ts';
import type { Database, SignInLogTable } from '../schema.ts';
import { applyLogQuery } from './log-query.ts';

export function createSignInLogRepository(db: Kysely<Database>): SignInLogStore {
  return {
    async append(e) {
      await db
        .insertInto('sign_in_log')
        .values({
          id: randomUUID(),
          tenant_id: e.tenantId,
          at: e.at,
          user_id: e.userId,
          email: e.email.slice(0, 320),
          app_id: e.appId,
          method: e.method,
          outcome: e.outcome,
          reason: e.reason,
          ip: e.ip,
          user_agent: e.userAgent?.slice(0, 512) ?? null,
        })
        .execute();
    },
    async list(tenantId, limit) {
      const rows = await db.selectFrom('sign_in_log').selectAll().where('tenant_id', '=', tenantId).orderBy('at', 'desc').limit(limit).execute();
      return rows.map(toEvent);
    },
    async search(tenantId, q) {
      let query = db.selectFrom('sign_in_log').selectAll().where('tenant_id', '=', tenantId);
      if (q.userId !== undefined) query = query.where('user_id', '=', q.userId);
      if (q.email !== undefined) query = query.where('email', '=', q.email);
      if (q.outcome !== undefined) query = query.where('outcome', '=', q.outcome);
      return (await applyLogQuery(query, q).execute()).map((r) => ({ ...toEvent(r), id: r.id }));
    },
  };
}

const toEvent = (r: SignInLogTable): SignInEvent => ({
  tenantId: r.tenant_id as TenantId,
  at: Number(r.at),
  userId: r.user_id as UserId | null,
  email: r.email,
  appId: r.app_id as AppId | null,
  method: r.method === 'email_otp' ? 'email_otp' : 'password',
  outcome: r.outcome as SignInOutcome,
  reason: r.reason as SignInReason,
  ip: r.ip,
  userAgent: r.user_agent,
});
