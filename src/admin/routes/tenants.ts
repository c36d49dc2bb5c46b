import type { FastifyInstance } from 'fastify';
import {
  access,
  errorBody,
  ifMatchOf,
  listQuery,
  noContent,
  pageInMemory,
  pageOf,
  params,
  principalActor,
  type ResourceOptions,
  strictObject,
  tagged,
  tenantOf,
  tenantRead,
  tenantWrite,
} from './route-kit.ts';

const tags = ['tenants'];
const displayName = { type: 'string', minLength: 1, maxLength: 256 };
const tenantOut = {
  type: 'object',
  properties: { id: { type: 'string' }, name: { type: 'string' }, displayName: { type: 'string' }, createdAt: { type: 'number' } },
} as const;
const keyOut = {
  type: 'object',
  properties: {
    kid: { type: 'string' },
    alg: { type: 'string' },
    status: { type: 'string' },
    createdAt: { type: 'number' },
    expiresAt: { type: ['number', 'null'] },
  },
} as const;
const errors = { 400: errorBody, 403: errorBody, 404: errorBody, 409: errorBody, 412: errorBody, 428: errorBody };

/** Tenants (create, rename, delete with confirmation) and their signing keys (list, rotate). */
export async function tenantRoutes(app: FastifyInstance, { services, providers }: ResourceOptions): Promise<void> {
  const tenants = services.resources.tenants;

  app.get(
    '/tenants',
    {
      config: access('global', false),
      schema: { summary: 'List the tenants the caller has a role on', tags, querystring: listQuery(), response: { 200: pageOf(tenantOut) } },
    },
    async (request) => {
      const grants = request.adminPrincipal?.grants ?? [];
      const visible = (name: string) => grants.some((g) => g.tenants === 'all' || g.tenants.includes(name));
      return pageInMemory(
        (await tenants.list()).filter((t) => visible(t.name)),
        request.query as { limit?: string; cursor?: string },
        (t) => t.name,
      );
    },
  );

  app.post(
    '/tenants',
    {
      config: access('global', true),
      schema: {
        summary: 'Create a tenant (with its first signing key)',
        tags,
        body: strictObject(
          {
            name: { type: 'string', minLength: 2, maxLength: 40, pattern: '^[a-z][a-z0-9-]*$', description: 'URL prefix and issuer path; never changes.' },
            displayName,
          },
          ['name'],
        ),
        response: { 201: tenantOut, ...errors },
      },
    },
    async (request, reply) => {
      const body = request.body as { name: string; displayName?: string };
      const created = await tenants.create(body.name, body.displayName, principalActor(request));
      reply.code(201).header('location', `${request.url}/${created.view.name}`);
      return tagged(reply, created);
    },
  );

  app.get(
    '/tenants/:tenant',
    { config: tenantRead, schema: { summary: 'Read a tenant', tags, params: params(), response: { 200: tenantOut, 404: errorBody } } },
    async (request, reply) => {
      return tagged(reply, await tenants.get((await tenantOf(services, request)).id));
    },
  );

  app.patch(
    '/tenants/:tenant',
    {
      config: tenantWrite,
      schema: {
        summary: 'Rename a tenant: its display name (If-Match required; the name in URLs never changes)',
        tags,
        params: params(),
        body: strictObject({ displayName }, ['displayName']),
        response: { 200: tenantOut, ...errors },
      },
    },
    async (request, reply) => {
      const tenant = await tenantOf(services, request);
      return tagged(reply, await tenants.rename(tenant.id, (request.body as { displayName: string }).displayName, ifMatchOf(request), principalActor(request)));
    },
  );

  app.delete(
    '/tenants/:tenant',
    {
      config: tenantWrite,
      schema: {
        summary: 'Delete a tenant and everything in it (If-Match required; confirm with its name)',
        tags,
        params: params(),
        body: strictObject({ confirm: { type: 'string', maxLength: 64, description: "The tenant's name, typed again." } }, ['confirm']),
        response: { 204: noContent, ...errors },
      },
    },
    async (request, reply) => {
      const tenant = await tenantOf(services, request);
      await tenants.remove(tenant.id, (request.body as { confirm: string }).confirm, ifMatchOf(request), principalActor(request));
      providers.forget(tenant.name);
      return reply.code(204).send();
    },
  );

  app.get(
    '/tenants/:tenant/keys',
    {
      config: tenantRead,
      schema: {
        summary: 'List the published signing keys (active and retired, public facts only)',
        tags,
        params: params(),
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: keyOut } } } },
      },
    },
    async (request) => {
      return { items: await tenants.keys((await tenantOf(services, request)).id) };
    },
  );

  app.post(
    '/tenants/:tenant/keys/rotate',
    {
      config: tenantWrite,
      schema: {
        summary: 'Rotate the signing key (the old one stays published for 24 hours)',
        tags,
        params: params(),
        response: { 201: keyOut, 404: errorBody },
      },
    },
    async (request, reply) => {
      const tenant = await tenantOf(services, request);
      const key = await tenants.rotateKeys(tenant.id, principalActor(request));
      providers.forget(tenant.name);
      return reply.code(201).send(key);
    },
  );
}
