import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor } from '../core/admin/admin-service.ts';
import { ADMIN_ROLES, type AdminPrincipal, type RoleGrant } from '../core/admin/roles.ts';
import { DomainError } from '../core/errors.ts';
import type { UserId } from '../core/ids.ts';
import type { Services } from '../services.ts';
import { type RouteAccess, decideAccess } from './access.ts';
import { strictObject } from './routes/route-kit.ts';

const read: { access: RouteAccess } = { access: { scope: 'global', write: false } };
const write: { access: RouteAccess } = { access: { scope: 'global', write: true } };

const roleGrant = strictObject(
  {
    role: { type: 'string', enum: [...ADMIN_ROLES] },
    tenants: { type: 'array', maxItems: 100, items: { type: 'string', minLength: 1, maxLength: 64 }, description: 'Tenant names; none for every tenant.' },
  },
  ['role'],
);
const roleGrantOut = {
  type: 'object',
  properties: { role: { type: 'string' }, tenants: { anyOf: [{ type: 'string', enum: ['all'] }, { type: 'array', items: { type: 'string' } }] } },
} as const;
const roles = { type: 'array', items: roleGrantOut } as const;
const apiKeyOut = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    prefix: { type: 'string' },
    roles,
    createdAt: { type: 'string', format: 'date-time' },
    lastUsedAt: { type: ['string', 'null'], format: 'date-time' },
    revokedAt: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;
const adminOut = { type: 'object', properties: { id: { type: 'string' }, email: { type: 'string' }, displayName: { type: 'string' }, enabled: { type: 'boolean' }, roles } } as const;
const idParam = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 64 } } } as const;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const principalOf = (request: FastifyRequest): AdminPrincipal => {
  if (!request.adminPrincipal) throw new DomainError('unauthenticated');
  return request.adminPrincipal;
};
const actorOf = (request: FastifyRequest): Actor => ({ ...principalOf(request), ip: request.ip });
/** Lists of keys and admins span every tenant, so only callers with an every-tenant role see them. */
const seesEverything = (request: FastifyRequest) => principalOf(request).grants.some((g: RoleGrant) => g.tenants === 'all');

/** Who am I, and the admin directory's own administration: its administrators and API keys (global administrators only for changes). */
export async function principalRoutes(app: FastifyInstance, opts: { services: Services }): Promise<void> {
  const { admin } = opts.services;

  app.get('/me', { config: read, schema: { summary: 'The calling principal and its roles', tags: ['principals'], response: { 200: { type: 'object', properties: { kind: { type: 'string' }, id: { type: 'string' }, label: { type: 'string' }, roles } } } } }, async (request) => {
    const { kind, id, label, grants } = principalOf(request);
    return { kind, id, label, roles: grants };
  });

  app.get(
    '/tenants/:tenant/my-access',
    {
      config: { access: { scope: 'tenant', write: false } },
      schema: {
        summary: "The calling principal's access to one tenant (what a console may offer)",
        tags: ['principals'],
        params: { type: 'object', required: ['tenant'], properties: { tenant: { type: 'string', minLength: 1, maxLength: 64 } } },
        response: { 200: { type: 'object', properties: { tenant: { type: 'string' }, read: { type: 'boolean' }, write: { type: 'boolean' } } } },
      },
    },
    async (request) => {
      const { tenant } = request.params as { tenant: string };
      return { tenant, read: true, write: decideAccess(principalOf(request), { scope: 'tenant', write: true }, tenant) === 'allow' };
    },
  );

  app.get('/api-keys', { config: read, schema: { summary: 'List API keys (never their secrets)', tags: ['principals'], response: { 200: { type: 'array', items: apiKeyOut } } } }, async (request) => {
    if (!seesEverything(request)) return [];
    return (await admin.listApiKeys()).map((k) => ({ ...k, createdAt: iso(k.createdAt), lastUsedAt: iso(k.lastUsedAt), revokedAt: iso(k.revokedAt) }));
  });

  app.post(
    '/api-keys',
    {
      config: write,
      schema: {
        summary: 'Create an API key; its secret is in this answer only',
        tags: ['principals'],
        body: strictObject({ name: { type: 'string', minLength: 1, maxLength: 100 }, roles: { type: 'array', minItems: 1, maxItems: 20, items: roleGrant } }, ['name', 'roles']),
        response: { 201: { type: 'object', properties: { ...apiKeyOut.properties, secret: { type: 'string' } } } },
      },
    },
    async (request, reply) => {
      const body = request.body as { name: string; roles: Array<{ role: string; tenants?: string[] }> };
      const { key, grants, secret } = await admin.createApiKey({ name: body.name, grants: body.roles }, actorOf(request));
      return reply.status(201).send({ ...key, roles: grants, createdAt: iso(key.createdAt), lastUsedAt: null, revokedAt: null, secret });
    },
  );

  app.delete('/api-keys/:id', { config: write, schema: { summary: 'Revoke an API key', tags: ['principals'], params: idParam, response: { 204: { type: 'null' } } } }, async (request, reply) => {
    await admin.revokeApiKey((request.params as { id: string }).id, actorOf(request));
    return reply.status(204).send();
  });

  app.get('/admins', { config: read, schema: { summary: 'List administrators and their roles', tags: ['principals'], response: { 200: { type: 'array', items: adminOut } } } }, async (request) => {
    if (!seesEverything(request)) return [];
    return (await admin.listAdmins()).map(({ admin: a, grants }) => ({ id: a.id, email: a.email, displayName: a.displayName, enabled: a.enabled, roles: grants }));
  });

  app.post(
    '/admins',
    {
      config: write,
      schema: {
        summary: 'Create an administrator; without a password they set one through "Forgot password?"',
        tags: ['principals'],
        body: strictObject(
          {
            email: { type: 'string', minLength: 3, maxLength: 254 },
            password: { type: 'string', minLength: 1, maxLength: 256 },
            displayName: { type: 'string', maxLength: 256 },
            roles: { type: 'array', minItems: 1, maxItems: 20, items: roleGrant },
          },
          ['email', 'roles'],
        ),
        response: { 201: adminOut },
      },
    },
    async (request, reply) => {
      const body = request.body as { email: string; password?: string; displayName?: string; roles: Array<{ role: string; tenants?: string[] }> };
      const created = await admin.createAdmin({ email: body.email, password: body.password, displayName: body.displayName, grants: body.roles }, actorOf(request));
      return reply.status(201).send({ id: created.admin.id, email: created.admin.email, displayName: created.admin.displayName, enabled: created.admin.enabled, roles: created.grants });
    },
  );

  const grantRoute = (summary: string, change: typeof admin.grant) => ({
    config: write,
    schema: { summary, tags: ['principals'], params: idParam, body: roleGrant, response: { 200: { type: 'object', properties: { roles } } } },
    handler: async (request: FastifyRequest) => {
      const body = request.body as { role: string; tenants?: string[] };
      return { roles: await change((request.params as { id: string }).id as UserId, body, actorOf(request)) };
    },
  });
  app.post('/admins/:id/roles', grantRoute("Grant a role to an administrator (the admin's next call sees it)", admin.grant));
  app.post('/admins/:id/roles/revoke', grantRoute("Revoke a role from an administrator (the admin's next call loses it)", admin.revoke));
}
