import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ADMIN_TENANT } from '../../core/admin/admin-directory.ts';
import { actorOf } from '../../core/admin/roles.ts';
import type { ChangeActor } from '../../core/audit/admin-change.ts';
import { DomainError } from '../../core/errors.ts';
import { decodeCursor, type Page, pageSize, toPage } from '../../core/pagination/page.ts';
import type { Tenant } from '../../core/tenants/tenant.ts';
import type { ProviderCache } from '../../oidc/provider-cache.ts';
import type { Services } from '../../services.ts';
import type { RouteAccess } from '../access.ts';

/** What every resource plugin is given. */
export interface ResourceOptions {
  services: Services;
  /** This node's tenant providers, dropped at once when a tenant is deleted or its keys rotate (other nodes re-read within seconds). */
  providers: ProviderCache;
}

type Schema = Record<string, unknown>;

/**
 * A JSON object schema that refuses unknown fields. Why `propertyNames` beside
 * `additionalProperties: false`: Fastify's Ajv runs with removeAdditional, which would silently
 * drop an unknown field instead of refusing it; `propertyNames` makes it a 400 naming the field.
 */
export function strictObject(properties: Record<string, Schema>, required: string[] = []): Schema {
  return {
    type: 'object',
    additionalProperties: false,
    propertyNames: { enum: Object.keys(properties) },
    properties,
    ...(required.length > 0 ? { required } : {}),
  };
}

const name = { type: 'string', minLength: 1, maxLength: 64 } as const;
export const idString = { type: 'string', minLength: 1, maxLength: 64 } as const;

/** Path parameters: always the tenant, plus the named ids. */
export const params = (...ids: string[]): Schema => strictObject({ tenant: name, ...Object.fromEntries(ids.map((id) => [id, idString])) }, ['tenant', ...ids]);

/** `?limit=` (1–200, default 50) and `?cursor=`, plus the list's own filters (strings). */
export const listQuery = (filters: Record<string, Schema> = {}): Schema =>
  strictObject({
    limit: { type: 'string', pattern: '^([1-9]|[1-9][0-9]|1[0-9][0-9]|200)$', description: 'Page size, 1–200 (default 50).' },
    cursor: { type: 'string', maxLength: 512, description: 'The nextCursor of the previous page.' },
    ...filters,
  });

export const pageOf = (item: Schema): Schema => ({
  type: 'object',
  properties: { items: { type: 'array', items: item }, nextCursor: { type: ['string', 'null'] } },
});

/** A 204 answer (nothing in the body). */
export const noContent = { type: 'null', description: 'Done; nothing to return.' } as const;

export const errorBody = {
  type: 'object',
  properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } } },
} as const;

/** Route options for one access rule. */
export const access = (scope: RouteAccess['scope'], write: boolean) => ({ access: { scope, write } });
export const tenantRead = access('tenant', false);
export const tenantWrite = access('tenant', true);

export const principalActor = (request: FastifyRequest): ChangeActor => {
  if (!request.adminPrincipal) throw new DomainError('unauthenticated');
  return actorOf(request.adminPrincipal);
};

export const ifMatchOf = (request: FastifyRequest): string | undefined => {
  const value = request.headers['if-match'];
  return Array.isArray(value) ? value.join(', ') : value;
};

/**
 * The customer tenant named in the path (the guard has already checked the caller may see it).
 * The admin directory is Latchkey's own: its administrators are managed by /admins and
 * /api-keys, never as a customer tenant's users.
 */
export const tenantOf = async (services: Services, request: FastifyRequest): Promise<Tenant> => {
  const name = (request.params as { tenant: string }).tenant;
  if (name === ADMIN_TENANT) throw new DomainError('tenant_not_found');
  return services.tenants.getByName(name);
};

/** Answers a resource with its ETag. */
export function tagged<T>(reply: FastifyReply, resource: { view: T; etag: string }): T {
  reply.header('etag', resource.etag);
  return resource.view;
}

/**
 * A page of a list held in memory (lists that are small per tenant: flows, groups, apps), in
 * the order of `keyOf`, which must be unique (sorted here by code unit, whatever the database's collation).
 */
export function pageInMemory<T>(items: T[], query: { limit?: string; cursor?: string }, keyOf: (item: T) => string): Page<T> {
  const limit = pageSize(query.limit === undefined ? undefined : Number(query.limit));
  const after = decodeCursor(query.cursor)?.[0];
  const sorted = [...items].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  const rest = after === undefined ? sorted : sorted.filter((item) => keyOf(item) > String(after));
  return toPage(rest.slice(0, limit + 1), limit, (item) => [keyOf(item)]);
}

/**
 * Validation errors name the field: `body/redirectUris/0 must match format "uri"`, and an
 * unknown field says so (`body/colour is not a known field`).
 */
export function installFieldErrors(app: FastifyInstance): void {
  app.setSchemaErrorFormatter((errors, dataVar) => {
    const unknown = errors.find((e) => e.keyword === 'propertyNames');
    if (unknown) {
      const field = (unknown.params as { propertyName?: string }).propertyName ?? '?';
      return new Error(`${dataVar}${unknown.instancePath}/${field} is not a known field`);
    }
    const first = errors[0];
    const where = `${dataVar}${first?.instancePath ?? ''}`;
    if (first?.keyword === 'required') return new Error(`${where}/${(first.params as { missingProperty?: string }).missingProperty} is required`);
    return new Error(`${where} ${first?.message ?? 'is not valid'}`);
  });
}
