import type { FastifyInstance } from 'fastify';
import type { CustomAttribute } from '../../core/user-flows/user-flow.ts';
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
const fields = {
  name: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z][A-Za-z0-9_]*$' },
  type: { type: 'string', enum: ['string', 'number', 'boolean'] },
  required: { type: 'boolean' },
  label: { type: 'string', minLength: 1, maxLength: 256 },
};
const { name: _name, ...changeable } = fields;
const attributeOut = {
  type: 'object',
  properties: { name: { type: 'string' }, type: { type: 'string' }, required: { type: 'boolean' }, label: { type: 'string' } },
} as const;
const errors = { 400: errorBody, 404: errorBody, 409: errorBody, 412: errorBody, 428: errorBody };
const nameOf = (request: { params: unknown }) => (request.params as { name: string }).name;

/** The tenant's custom attribute definitions, which user flows collect by name. */
export async function customAttributeRoutes(app: FastifyInstance, { services }: ResourceOptions): Promise<void> {
  const attributes = services.resources.customAttributes;

  app.get(
    '/tenants/:tenant/custom-attributes',
    {
      config: tenantRead,
      schema: { summary: 'List custom attributes', tags, params: params(), querystring: listQuery(), response: { 200: pageOf(attributeOut) } },
    },
    async (request) => {
      const tenant = await tenantOf(services, request);
      return pageInMemory(await attributes.list(tenant.id), request.query as { limit?: string; cursor?: string }, (a) => a.name);
    },
  );

  app.post(
    '/tenants/:tenant/custom-attributes',
    {
      config: tenantWrite,
      schema: {
        summary: 'Define a custom attribute',
        tags,
        params: params(),
        body: strictObject(fields, ['name', 'type']),
        response: { 201: attributeOut, ...errors },
      },
    },
    async (request, reply) => {
      const tenant = await tenantOf(services, request);
      const body = request.body as Partial<CustomAttribute> & Pick<CustomAttribute, 'name' | 'type'>;
      const created = await attributes.create(tenant.id, { required: false, label: body.name, ...body }, principalActor(request));
      reply.code(201).header('location', `${request.url}/${created.view.name}`);
      return tagged(reply, created);
    },
  );

  app.get(
    '/tenants/:tenant/custom-attributes/:name',
    { config: tenantRead, schema: { summary: 'Read a custom attribute', tags, params: params('name'), response: { 200: attributeOut, 404: errorBody } } },
    async (request, reply) => {
      const tenant = await tenantOf(services, request);
      return tagged(reply, await attributes.get(tenant.id, nameOf(request)));
    },
  );

  app.patch(
    '/tenants/:tenant/custom-attributes/:name',
    {
      config: tenantWrite,
      schema: {
        summary: 'Change a custom attribute (If-Match required)',
        tags,
        params: params('name'),
        body: strictObject(changeable),
        response: { 200: attributeOut, ...errors },
      },
    },
    async (request, reply) => {
      const tenant = await tenantOf(services, request);
      return tagged(
        reply,
        await attributes.update(tenant.id, nameOf(request), request.body as Partial<CustomAttribute>, ifMatchOf(request), principalActor(request)),
      );
    },
  );

  app.delete(
    '/tenants/:tenant/custom-attributes/:name',
    {
      config: tenantWrite,
      schema: {
        summary: 'Delete a custom attribute no user flow collects (If-Match required)',
        tags,
        params: params('name'),
        response: { 204: noContent, ...errors },
      },
    },
    async (request, reply) => {
      const tenant = await tenantOf(services, request);
      await attributes.remove(tenant.id, nameOf(request), ifMatchOf(request), principalActor(request));
      return reply.code(204).send();
    },
  );
}
