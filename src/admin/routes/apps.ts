import type { FastifyInstance } from 'fastify';
import type { AppPatch } from '../../core/apps/app-admin.ts';
import type { NewApp } from '../../core/apps/app-service.ts';
import type { AppId } from '../../core/ids.ts';
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

const tags = ['apps'];
const uris = (what: string) => ({
  type: 'array',
  items: { type: 'string', minLength: 1, maxLength: 2000 },
  maxItems: 100,
  uniqueItems: true,
  description: `${what}: exact https URLs (http only for localhost).`,
});
const changeable = {
  name: { type: 'string', minLength: 1, maxLength: 256 },
  redirectUris: { ...uris('Redirect URIs'), minItems: 1 },
  postLogoutRedirectUris: uris('Post-logout redirect URIs'),
  userFlowId: { type: ['string', 'null'], minLength: 1, maxLength: 64, description: 'The user flow the app uses; null for the default flow.' },
};
const newApp = {
  ...changeable,
  type: { type: 'string', enum: ['public', 'confidential'], description: 'public: SPA or native, PKCE; confidential: web app with a client secret.' },
};
const appOut = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    type: { type: 'string' },
    redirectUris: { type: 'array', items: { type: 'string' } },
    postLogoutRedirectUris: { type: 'array', items: { type: 'string' } },
    userFlowId: { type: ['string', 'null'] },
    createdAt: { type: 'number' },
  },
} as const;
const secretOut = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    hint: { type: 'string' },
    description: { type: 'string' },
    createdAt: { type: 'number' },
    revokedAt: { type: ['number', 'null'] },
  },
} as const;
const errors = { 400: errorBody, 404: errorBody, 409: errorBody, 412: errorBody, 428: errorBody };
type Query = { limit?: string; cursor?: string };
const paramsOf = (request: { params: unknown }) => request.params as { id: AppId; secretId: string };

/** App registrations (OIDC clients) and their client secrets. */
export async function appRoutes(app: FastifyInstance, { services }: ResourceOptions): Promise<void> {
  const apps = services.resources.apps;

  app.get(
    '/tenants/:tenant/apps',
    { config: tenantRead, schema: { summary: 'List apps', tags, params: params(), querystring: listQuery(), response: { 200: pageOf(appOut) } } },
    async (request) => {
      const tenant = await tenantOf(services, request);
      return pageInMemory(await apps.list(tenant.id), request.query as Query, (a) => `${a.createdAt.toString().padStart(15, '0')}:${a.id}`);
    },
  );

  app.post(
    '/tenants/:tenant/apps',
    {
      config: tenantWrite,
      schema: {
        summary: "Register an app (a confidential app's first secret is in the answer, once)",
        tags,
        params: params(),
        body: strictObject(newApp, ['name', 'type', 'redirectUris']),
        response: { 201: { ...appOut, properties: { ...appOut.properties, clientSecret: { type: ['string', 'null'] } } }, ...errors },
      },
    },
    async (request, reply) => {
      const tenant = await tenantOf(services, request);
      const { view, etag, clientSecret } = await apps.create(tenant.id, request.body as Omit<NewApp, 'tenantId' | 'id'>, principalActor(request));
      reply.code(201).header('location', `${request.url}/${view.id}`).header('etag', etag);
      return { ...view, clientSecret };
    },
  );

  app.get(
    '/tenants/:tenant/apps/:id',
    { config: tenantRead, schema: { summary: 'Read an app', tags, params: params('id'), response: { 200: appOut, 404: errorBody } } },
    async (request, reply) => {
      const tenant = await tenantOf(services, request);
      return tagged(reply, await apps.get(tenant.id, paramsOf(request).id));
    },
  );

  app.patch(
    '/tenants/:tenant/apps/:id',
    {
      config: tenantWrite,
      schema: {
        summary: 'Change an app (If-Match required)',
        tags,
        params: params('id'),
        body: strictObject(changeable),
        response: { 200: appOut, ...errors },
      },
    },
    async (request, reply) => {
      const tenant = await tenantOf(services, request);
      return tagged(reply, await apps.update(tenant.id, paramsOf(request).id, request.body as AppPatch, ifMatchOf(request), principalActor(request)));
    },
  );

  app.delete(
    '/tenants/:tenant/apps/:id',
    { config: tenantWrite, schema: { summary: 'Delete an app (If-Match required)', tags, params: params('id'), response: { 204: noContent, ...errors } } },
    async (request, reply) => {
      const tenant = await tenantOf(services, request);
      await apps.remove(tenant.id, paramsOf(request).id, ifMatchOf(request), principalActor(request));
      return reply.code(204).send();
    },
  );

  app.get(
    '/tenants/:tenant/apps/:id/secrets',
    {
      config: tenantRead,
      schema: {
        summary: "List an app's client secrets (hints only, never values)",
        tags,
        params: params('id'),
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: secretOut } } }, 404: errorBody },
      },
    },
    async (request) => {
      const tenant = await tenantOf(services, request);
      return { items: await apps.listSecrets(tenant.id, paramsOf(request).id) };
    },
  );

  app.post(
    '/tenants/:tenant/apps/:id/secrets',
    {
      config: tenantWrite,
      schema: {
        summary: 'Add a client secret (its value is in the answer, once)',
        tags,
        params: params('id'),
        body: strictObject({ description: { type: 'string', maxLength: 256 } }),
        response: { 201: { type: 'object', properties: { ...secretOut.properties, value: { type: 'string' } } }, ...errors },
      },
    },
    async (request, reply) => {
      const tenant = await tenantOf(services, request);
      const { secret, value } = await apps.addSecret(
        tenant.id,
        paramsOf(request).id,
        (request.body as { description?: string } | undefined)?.description ?? '',
        principalActor(request),
      );
      reply.code(201);
      return { ...secret, value };
    },
  );

  app.delete(
    '/tenants/:tenant/apps/:id/secrets/:secretId',
    {
      config: tenantWrite,
      schema: { summary: 'Revoke a client secret', tags, params: params('id', 'secretId'), response: { 204: noContent, 404: errorBody } },
    },
    async (request, reply) => {
      const tenant = await tenantOf(services, request);
      await apps.revokeSecret(tenant.id, paramsOf(request).id, paramsOf(request).secretId, principalActor(request));
      return reply.code(204).send();
    },
  );
}
