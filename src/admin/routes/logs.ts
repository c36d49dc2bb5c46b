import type { FastifyInstance } from 'fastify';
import type { SignInOutcome } from '../../core/audit/sign-in-event.ts';
import { DomainError } from '../../core/errors.ts';
import type { UserId } from '../../core/ids.ts';
import { errorBody, listQuery, pageOf, params, type ResourceOptions, tenantOf, tenantRead } from './route-kit.ts';

const tags = ['logs'];
const time = (what: string) => ({ type: 'string', format: 'date-time', maxLength: 40, description: `${what} (RFC 3339), inclusive.` });
const range = { from: time('Entries at or after'), to: time('Entries at or before') };
const signInOut = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    at: { type: 'string', format: 'date-time' },
    userId: { type: ['string', 'null'] },
    email: { type: 'string' },
    appId: { type: ['string', 'null'] },
    method: { type: 'string' },
    outcome: { type: 'string' },
    reason: { type: 'string' },
    ip: { type: ['string', 'null'] },
    userAgent: { type: ['string', 'null'] },
  },
} as const;
const auditOut = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    at: { type: 'string', format: 'date-time' },
    actor: { type: 'string' },
    action: { type: 'string' },
    target: { type: ['string', 'null'] },
    details: { type: 'object', additionalProperties: true, description: 'before / after summaries of the change.' },
  },
} as const;

interface LogQueryString {
  limit?: string;
  cursor?: string;
  from?: string;
  to?: string;
}

const filterOf = (q: LogQueryString) => {
  const ms = (value: string | undefined) => {
    if (value === undefined) return undefined;
    const parsed = Date.parse(value);
    if (Number.isNaN(parsed)) throw new DomainError('invalid_input', `"${value}" is not an RFC 3339 time.`);
    return parsed;
  };
  return { limit: q.limit === undefined ? undefined : Number(q.limit), cursor: q.cursor, from: ms(q.from), to: ms(q.to) };
};
const iso = <T extends { at: number }>(entry: T) => ({ ...entry, at: new Date(entry.at).toISOString() });

/** The sign-in log and the audit log, newest first, filterable and paginated. */
export async function logRoutes(app: FastifyInstance, { services }: ResourceOptions): Promise<void> {
  const logs = services.resources.logs;

  app.get(
    '/tenants/:tenant/sign-in-log',
    {
      config: tenantRead,
      schema: {
        summary: 'Sign-in log: time, user or email, app, method, outcome, reason, IP, user agent',
        tags,
        params: params(),
        querystring: listQuery({
          ...range,
          userId: { type: 'string', maxLength: 64 },
          email: { type: 'string', maxLength: 320 },
          outcome: { type: 'string', enum: ['success', 'failure'] },
        }),
        response: { 200: pageOf(signInOut), 400: errorBody },
      },
    },
    async (request) => {
      const tenant = await tenantOf(services, request);
      const q = request.query as LogQueryString & { userId?: UserId; email?: string; outcome?: SignInOutcome };
      const page = await logs.signIns(tenant.id, { ...filterOf(q), userId: q.userId, email: q.email, outcome: q.outcome });
      return { items: page.items.map(iso), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/tenants/:tenant/audit-log',
    {
      config: tenantRead,
      schema: {
        summary: 'Audit log: actor, action, target, before/after summary',
        tags,
        params: params(),
        querystring: listQuery({
          ...range,
          actor: { type: 'string', maxLength: 128 },
          target: { type: 'string', maxLength: 128 },
          action: { type: 'string', maxLength: 64 },
        }),
        response: { 200: pageOf(auditOut), 400: errorBody },
      },
    },
    async (request) => {
      const tenant = await tenantOf(services, request);
      const q = request.query as LogQueryString & { actor?: string; target?: string; action?: string };
      const page = await logs.audit(tenant.id, { ...filterOf(q), actor: q.actor, target: q.target, action: q.action });
      return { items: page.items.map(iso), nextCursor: page.nextCursor };
    },
  );
}
