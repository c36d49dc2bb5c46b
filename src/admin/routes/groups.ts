import type { FastifyInstance } from 'fastify';
import type { GroupId, UserId } from '../../core/ids.ts';
import {
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

const tags = ['groups'];
const fields = { name: { type: 'string', minLength: 1, maxLength: 256 } };
const groupOut = { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' }, createdAt: { type: 'number' } } } as const;
const memberOut = { type: 'object', properties: { id: { type: 'string' }, email: { type: 'string' }, displayName: { type: 'string' } } } as const;
const errors = { 400: errorBody, 404: errorBody, 409: errorBody, 412: errorBody, 428: errorBody };
type Query = { limit?: string; cursor?: string };

interface GroupParams {
  tenant: string;
  id: GroupId;
  userId: UserId;
}

/** Groups and membership (the targets of the authentication methods policy). */
export async function groupRoutes(app: FastifyInstance, { services }: ResourceOptions): Promise<void> {
  const groups = services.resources.groups;

  app.get(
    '/tenants/:tenant/groups',
    { config: tenantRead, schema: { summary: 'List groups', tags, params: params(), querystring: listQuery(), response: { 200: pageOf(groupOut) } } },
    async (request) => {
      const tenant = await tenantOf(services, request);
      return pageInMemory(await groups.list(tenant.id), request.query as Query, (g) => g.name);
    },
  );

  app.post(
    '/tenants/:tenant/groups',
    {
      config: tenantWrite,
      schema: { summary: 'Create a group', tags, params: params(), body: strictObject(fields, ['name']), response: { 201: groupOut, ...errors } },
    },
    async (request, reply) => {
      const tenant = await tenantOf(services, request);
      const created = await groups.create(tenant.id, (request.body as { name: string }).name, principalActor(request));
      reply.code(201).header('location', `${request.url}/${created.view.id}`);
      return tagged(reply, created);
    },
  );

  app.get(
    '/tenants/:tenant/groups/:id',
    { config: tenantRead, schema: { summary: 'Read a group', tags, params: params('id'), response: { 200: groupOut, 404: errorBody } } },
    async (request, reply) => {
      const tenant = await tenantOf(services, request);
      return tagged(reply, await groups.get(tenant.id, (request.params as GroupParams).id));
    },
  );

  app.patch(
    '/tenants/:tenant/groups/:id',
    {
      config: tenantWrite,
      schema: {
        summary: 'Rename a group (If-Match required)',
        tags,
        params: params('id'),
        body: strictObject(fields, ['name']),
        response: { 200: groupOut, ...errors },
      },
    },
    async (request, reply) => {
      const tenant = await tenantOf(services, request);
      return tagged(
        reply,
        await groups.rename(
          tenant.id,
          (request.params as GroupParams).id,
          (request.body as { name: string }).name,
          ifMatchOf(request),
          principalActor(request),
        ),
      );
    },
  );

  app.delete(
    '/tenants/:tenant/groups/:id',
    {
      config: tenantWrite,
      schema: {
        summary: 'Delete a group the authentication methods policy does not name (If-Match required)',
        tags,
        params: params('id'),
        response: { 204: noContent, ...errors },
      },
    },
    async (request, reply) => {
      const tenant = await tenantOf(services, request);
      await groups.remove(tenant.id, (request.params as GroupParams).id, ifMatchOf(request), principalActor(request));
      return reply.code(204).send();
    },
  );

  app.get(
    '/tenants/:tenant/groups/:id/members',
    {
      config: tenantRead,
      schema: {
        summary: 'List the members of a group',
        tags,
        params: params('id'),
        querystring: listQuery(),
        response: { 200: pageOf(memberOut), 404: errorBody },
      },
    },
    async (request) => {
      const tenant = await tenantOf(services, request);
      return pageInMemory(await groups.members(tenant.id, (request.params as GroupParams).id), request.query as Query, (m) => m.id);
    },
  );

  for (const [verb, member] of [
    ['put', true],
    ['delete', false],
  ] as const) {
    app[verb](
      '/tenants/:tenant/groups/:id/members/:userId',
      {
        config: tenantWrite,
        schema: {
          summary: member ? 'Add a user to a group' : 'Remove a user from a group',
          tags,
          params: params('id', 'userId'),
          response: { 204: noContent, ...errors },
        },
      },
      async (request, reply) => {
        const tenant = await tenantOf(services, request);
        const { id, userId } = request.params as GroupParams;
        await groups.setMember(tenant.id, id, userId, member, principalActor(request));
        return reply.code(204).send();
      },
    );
  }
}
