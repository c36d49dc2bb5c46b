import type { FastifyInstance } from 'fastify';
import type { UserId } from '../../core/ids.ts';
import type { UserPatch } from '../../core/users/user-admin.ts';
import type { NewUser } from '../../core/users/user-service.ts';
import {
  errorBody,
  ifMatchOf,
  listQuery,
  noContent,
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

const tags = ['users'];
const attributes = {
  type: 'object',
  maxProperties: 50,
  propertyNames: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$' },
  additionalProperties: { anyOf: [{ type: 'string', maxLength: 1024 }, { type: 'number' }, { type: 'boolean' }] },
  description: 'Built-in (displayName, givenName, city…) and custom attribute values.',
};
const profile = {
  displayName: { type: 'string', minLength: 1, maxLength: 256 },
  attributes,
  emailVerified: { type: 'boolean' },
};
const newUser = {
  email: { type: 'string', minLength: 3, maxLength: 320 },
  password: {
    type: 'string',
    minLength: 1,
    maxLength: 1024,
    description: 'Optional and temporary: the first sign-in asks for a new one. Without one, the user signs in with a code or resets it.',
  },
  ...profile,
};
const userOut = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    email: { type: 'string' },
    displayName: { type: 'string' },
    attributes: { type: 'object', additionalProperties: true },
    enabled: { type: 'boolean' },
    emailVerified: { type: 'boolean' },
    createdAt: { type: 'number' },
    updatedAt: { type: 'number' },
  },
} as const;
const errors = { 400: errorBody, 404: errorBody, 409: errorBody, 412: errorBody, 422: errorBody, 428: errorBody };
const idOf = (request: { params: unknown }) => (request.params as { id: UserId }).id;

/** Users: create, read, change, disable, delete, set a password, end sessions; never a secret in an answer. */
export async function userRoutes(app: FastifyInstance, { services }: ResourceOptions): Promise<void> {
  const users = services.resources.users;

  app.get(
    '/tenants/:tenant/users',
    {
      config: tenantRead,
      schema: {
        summary: 'List users by email (optionally those whose email starts with emailPrefix)',
        tags,
        params: params(),
        querystring: listQuery({ emailPrefix: { type: 'string', maxLength: 320 } }),
        response: { 200: pageOf(userOut), 400: errorBody },
      },
    },
    async (request) => {
      const tenant = await tenantOf(services, request);
      const query = request.query as { limit?: string; cursor?: string; emailPrefix?: string };
      return users.list(tenant.id, { ...query, limit: query.limit === undefined ? undefined : Number(query.limit) });
    },
  );

  app.post(
    '/tenants/:tenant/users',
    {
      config: tenantWrite,
      schema: { summary: 'Create a user', tags, params: params(), body: strictObject(newUser, ['email']), response: { 201: userOut, ...errors } },
    },
    async (request, reply) => {
      const tenant = await tenantOf(services, request);
      const created = await users.create(tenant.id, request.body as Omit<NewUser, 'tenantId' | 'passwordIsTemporary'>, principalActor(request));
      reply.code(201).header('location', `${request.url}/${created.view.id}`);
      return tagged(reply, created);
    },
  );

  app.get(
    '/tenants/:tenant/users/:id',
    { config: tenantRead, schema: { summary: 'Read a user', tags, params: params('id'), response: { 200: userOut, 404: errorBody } } },
    async (request, reply) => {
      const tenant = await tenantOf(services, request);
      return tagged(reply, await users.get(tenant.id, idOf(request)));
    },
  );

  app.patch(
    '/tenants/:tenant/users/:id',
    {
      config: tenantWrite,
      schema: {
        summary: 'Change a user, or disable / enable it (If-Match required; disabling ends its sessions)',
        tags,
        params: params('id'),
        body: strictObject({ ...profile, enabled: { type: 'boolean' } }),
        response: { 200: userOut, ...errors },
      },
    },
    async (request, reply) => {
      const tenant = await tenantOf(services, request);
      return tagged(reply, await users.update(tenant.id, idOf(request), request.body as UserPatch, ifMatchOf(request), principalActor(request)));
    },
  );

  app.delete(
    '/tenants/:tenant/users/:id',
    { config: tenantWrite, schema: { summary: 'Delete a user (If-Match required)', tags, params: params('id'), response: { 204: noContent, ...errors } } },
    async (request, reply) => {
      const tenant = await tenantOf(services, request);
      await users.remove(tenant.id, idOf(request), ifMatchOf(request), principalActor(request));
      return reply.code(204).send();
    },
  );

  app.post(
    '/tenants/:tenant/users/:id/password',
    {
      config: tenantWrite,
      schema: {
        summary: 'Set a temporary password (generated when none is given, and shown once); ends every session',
        tags,
        params: params('id'),
        body: strictObject({ password: newUser.password }),
        response: { 200: { type: 'object', properties: { temporaryPassword: { type: 'string' } } }, ...errors },
      },
    },
    async (request) => {
      const tenant = await tenantOf(services, request);
      return users.setPassword(tenant.id, idOf(request), (request.body as { password?: string } | undefined)?.password, principalActor(request));
    },
  );

  app.post(
    '/tenants/:tenant/users/:id/revoke-sessions',
    {
      config: tenantWrite,
      schema: { summary: 'End every session and refresh token of the user', tags, params: params('id'), response: { 204: noContent, 404: errorBody } },
    },
    async (request, reply) => {
      const tenant = await tenantOf(services, request);
      await users.revokeSessions(tenant.id, idOf(request), principalActor(request));
      return reply.code(204).send();
    },
  );
}
