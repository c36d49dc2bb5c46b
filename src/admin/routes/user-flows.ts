import type { FastifyInstance } from 'fastify';
import type { AppId, UserFlowId } from '../../core/ids.ts';
import type { UserFlowInput } from '../../core/user-flows/user-flow-admin.ts';
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

const tags = ['user flows'];
const method = { type: 'string', enum: ['email_password', 'email_otp'] } as const;
const fields = {
  name: { type: 'string', minLength: 1, maxLength: 256 },
  methods: {
    type: 'array',
    items: method,
    maxItems: 2,
    uniqueItems: true,
    description: 'Email with password (email_password), Email one-time passcode (email_otp).',
  },
  attributes: {
    type: 'array',
    items: { type: 'string', minLength: 1, maxLength: 64 },
    maxItems: 50,
    uniqueItems: true,
    description: 'Built-in and custom attribute names collected at sign-up.',
  },
  ssprEnabled: { type: 'boolean', description: 'Offer "Forgot password?" (needs email_password).' },
};
const flowOut = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    methods: { type: 'array', items: { type: 'string' } },
    attributes: { type: 'array', items: { type: 'string' } },
    ssprEnabled: { type: 'boolean' },
    appIds: { type: 'array', items: { type: 'string' } },
    createdAt: { type: 'number' },
  },
} as const;
const errors = { 400: errorBody, 404: errorBody, 409: errorBody, 412: errorBody, 422: errorBody, 428: errorBody };

interface FlowParams {
  tenant: string;
  id: UserFlowId;
  appId: AppId;
}

/** User flows ("sign up and sign in"): methods, attributes, SSPR, and the apps that use each. */
export async function userFlowRoutes(app: FastifyInstance, { services }: ResourceOptions): Promise<void> {
  const flows = services.resources.userFlows;

  app.get(
    '/tenants/:tenant/user-flows',
    { config: tenantRead, schema: { summary: 'List user flows', tags, params: params(), querystring: listQuery(), response: { 200: pageOf(flowOut) } } },
    async (request) => {
      const tenant = await tenantOf(services, request);
      return pageInMemory(
        await flows.list(tenant.id),
        request.query as { limit?: string; cursor?: string },
        (f) => `${f.createdAt.toString().padStart(15, '0')}:${f.id}`,
      );
    },
  );

  app.post(
    '/tenants/:tenant/user-flows',
    {
      config: tenantWrite,
      schema: { summary: 'Create a user flow', tags, params: params(), body: strictObject(fields, ['name', 'methods']), response: { 201: flowOut, ...errors } },
    },
    async (request, reply) => {
      const tenant = await tenantOf(services, request);
      const created = await flows.create(tenant.id, request.body as UserFlowInput, principalActor(request));
      reply.code(201).header('location', `${request.url}/${created.view.id}`);
      return tagged(reply, created);
    },
  );

  app.get(
    '/tenants/:tenant/user-flows/:id',
    { config: tenantRead, schema: { summary: 'Read a user flow (with its ETag)', tags, params: params('id'), response: { 200: flowOut, 404: errorBody } } },
    async (request, reply) => {
      const tenant = await tenantOf(services, request);
      return tagged(reply, await flows.get(tenant.id, (request.params as FlowParams).id));
    },
  );

  app.patch(
    '/tenants/:tenant/user-flows/:id',
    {
      config: tenantWrite,
      schema: {
        summary: 'Change a user flow (If-Match required)',
        tags,
        params: params('id'),
        body: strictObject(fields),
        response: { 200: flowOut, ...errors },
      },
    },
    async (request, reply) => {
      const tenant = await tenantOf(services, request);
      return tagged(
        reply,
        await flows.update(tenant.id, (request.params as FlowParams).id, request.body as Partial<UserFlowInput>, ifMatchOf(request), principalActor(request)),
      );
    },
  );

  app.delete(
    '/tenants/:tenant/user-flows/:id',
    {
      config: tenantWrite,
      schema: { summary: 'Delete a user flow no app uses (If-Match required)', tags, params: params('id'), response: { 204: noContent, ...errors } },
    },
    async (request, reply) => {
      const tenant = await tenantOf(services, request);
      await flows.remove(tenant.id, (request.params as FlowParams).id, ifMatchOf(request), principalActor(request));
      return reply.code(204).send();
    },
  );

  // Linking and unlinking are one change with opposite directions.
  for (const [method, linked, summary] of [
    ['PUT', true, 'Make an app use this user flow (it leaves its previous one)'],
    ['DELETE', false, 'Make an app stop using this user flow (it gets the default flow)'],
  ] as const) {
    app.route({
      method,
      url: '/tenants/:tenant/user-flows/:id/apps/:appId',
      config: tenantWrite,
      schema: { summary, tags, params: params('id', 'appId'), response: { 200: flowOut, ...errors } },
      handler: async (request, reply) => {
        const tenant = await tenantOf(services, request);
        const { id, appId } = request.params as FlowParams;
        return tagged(reply, await flows.setApp(tenant.id, id, appId, linked, principalActor(request)));
      },
    });
  }
}
