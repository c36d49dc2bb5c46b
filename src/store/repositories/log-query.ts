import type { ExpressionBuilder, SelectQueryBuilder } from 'kysely';
import type { LogQuery } from '../../core/ports.ts';
import type { Database } from '../schema.ts';

type LogTable = 'sign_in_log' | 'audit_log';

/** Applies a log search's time range, keyset position and order (newest first, then id) to a query. */
export function applyLogQuery<T extends LogTable, O>(query: SelectQueryBuilder<Database, T, O>, q: LogQuery): SelectQueryBuilder<Database, T, O> {
  // Why the casts: Kysely cannot see that both log tables have `at` and `id` through the generic T.
  let out = query as unknown as SelectQueryBuilder<Database, 'sign_in_log', O>;
  if (q.from !== undefined) out = out.where('at', '>=', q.from);
  if (q.to !== undefined) out = out.where('at', '<=', q.to);
  const before = q.before;
  if (before)
    out = out.where((eb: ExpressionBuilder<Database, 'sign_in_log'>) =>
      eb.or([eb('at', '<', before.at), eb.and([eb('at', '=', before.at), eb('id', '<', before.id)])]),
    );
  return out.orderBy('at', 'desc').orderBy('id', 'desc').limit(q.limit) as unknown as SelectQueryBuilder<Database, T, O>;
}
