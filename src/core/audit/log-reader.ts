import type { TenantId, UserId } from '../ids.ts';
import { decodeCursor, type Page, pageSize, toPage } from '../pagination/page.ts';
import type { AuditEvent, CoreDeps, LogQuery } from '../ports.ts';
import type { SignInEvent } from './sign-in-event.ts';

/** The filters every log search takes: a time range (ms, inclusive) and a page. */
export interface LogFilter {
  from?: number;
  to?: number;
  limit?: number;
  cursor?: string;
}

export type SignInEntry = Omit<SignInEvent, 'tenantId'> & { id: string };
export type AuditEntry = Omit<AuditEvent, 'tenantId'> & { id: string };

/** Turns a filter into a store query, fetching one entry more than the page to know if another follows. */
function toQuery(filter: LogFilter): { query: LogQuery; limit: number } {
  const limit = pageSize(filter.limit);
  const position = decodeCursor(filter.cursor);
  const before = position && typeof position[0] === 'number' && typeof position[1] === 'string' ? { at: position[0], id: position[1] } : undefined;
  return { query: { from: filter.from, to: filter.to, before, limit: limit + 1 }, limit };
}

const page = <T extends { at: number; id: string }>(rows: T[], limit: number): Page<T> => toPage(rows, limit, (e) => [e.at, e.id]);

/** The sign-in log and the audit log of a tenant, newest first, for administrators. */
export function createLogReader({ store }: CoreDeps) {
  async function signIns(
    tenantId: TenantId,
    filter: LogFilter & { userId?: UserId; email?: string; outcome?: SignInEvent['outcome'] },
  ): Promise<Page<SignInEntry>> {
    const { query, limit } = toQuery(filter);
    const rows = await store.signInLog.search(tenantId, { ...query, userId: filter.userId, email: filter.email, outcome: filter.outcome });
    return page(
      rows.map(({ tenantId: _t, ...entry }) => entry),
      limit,
    );
  }

  async function audit(tenantId: TenantId, filter: LogFilter & { actor?: string; target?: string; action?: string }): Promise<Page<AuditEntry>> {
    const { query, limit } = toQuery(filter);
    const rows = await store.auditLog.search(tenantId, { ...query, actor: filter.actor, target: filter.target, action: filter.action });
    return page(
      rows.map(({ tenantId: _t, ...entry }) => entry),
      limit,
    );
  }

  return { signIns, audit };
}

export type LogReader = ReturnType<typeof createLogReader>;
