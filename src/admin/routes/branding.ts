import type { FastifyInstance } from 'fastify';
import { type Branding, MAX_CSS_LENGTH, MAX_TEXT_LENGTH } from '../../core/tenants/branding.ts';
import {
  errorBody,
  ifMatchOf,
  noContent,
  params,
  principalActor,
  type ResourceOptions,
  strictObject,
  tagged,
  tenantOf,
  tenantRead,
  tenantWrite,
} from './route-kit.ts';

const tags = ['branding'];
const url = { type: ['string', 'null'], maxLength: 2000, description: 'An https URL, or null.' };
const color = { type: ['string', 'null'], maxLength: 7, description: '#rrggbb, or null for the default.' };
const brandingBody = strictObject(
  {
    logoUrl: url,
    backgroundImageUrl: url,
    colors: strictObject({ background: color, primary: color, text: color }, ['background', 'primary', 'text']),
    customCss: { type: ['string', 'null'], maxLength: MAX_CSS_LENGTH, description: 'No "<", @import, expression() or non-https url().' },
    texts: {
      type: 'object',
      maxProperties: 100,
      propertyNames: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$' },
      additionalProperties: { type: 'string', maxLength: MAX_TEXT_LENGTH },
      description: 'Page texts by key (SignIn_Title, SignIn_Description, SignUp_Title, SisuOtc_Title…).',
    },
    footerLinks: {
      type: 'array',
      maxItems: 10,
      items: strictObject({ text: { type: 'string', minLength: 1, maxLength: 100 }, url: { type: 'string', maxLength: 2000 } }, ['text', 'url']),
    },
    showForgotPassword: { type: 'boolean', description: 'Show "Forgot password?" where the user flow offers SSPR.' },
  },
  ['logoUrl', 'backgroundImageUrl', 'colors', 'customCss', 'texts', 'footerLinks', 'showForgotPassword'],
);
const brandingOut = {
  type: 'object',
  properties: {
    logoUrl: { type: ['string', 'null'] },
    backgroundImageUrl: { type: ['string', 'null'] },
    colors: {
      type: 'object',
      properties: { background: { type: ['string', 'null'] }, primary: { type: ['string', 'null'] }, text: { type: ['string', 'null'] } },
    },
    customCss: { type: ['string', 'null'] },
    texts: { type: 'object', additionalProperties: { type: 'string' } },
    footerLinks: { type: 'array', items: { type: 'object', properties: { text: { type: 'string' }, url: { type: 'string' } } } },
    showForgotPassword: { type: 'boolean' },
  },
} as const;
const localeParams = params('locale');
const errors = { 400: errorBody, 404: errorBody, 412: errorBody, 428: errorBody };
const localeOf = (request: { params: unknown }) => (request.params as { locale: string }).locale;

/** Branding per tenant and language (stored and validated; the hosted pages apply it later). */
export async function brandingRoutes(app: FastifyInstance, { services }: ResourceOptions): Promise<void> {
  const branding = services.resources.branding;

  app.get(
    '/tenants/:tenant/branding',
    {
      config: tenantRead,
      schema: {
        summary: 'List the languages that have branding',
        tags,
        params: params(),
        response: {
          200: {
            type: 'object',
            properties: { items: { type: 'array', items: { type: 'object', properties: { locale: { type: 'string' }, updatedAt: { type: 'number' } } } } },
          },
        },
      },
    },
    async (request) => ({ items: await branding.list((await tenantOf(services, request)).id) }),
  );

  app.get(
    '/tenants/:tenant/branding/:locale',
    {
      config: tenantRead,
      schema: {
        summary: 'Read the branding of a language ("default" or a tag such as de-DE); the defaults while it has none',
        tags,
        params: localeParams,
        response: { 200: brandingOut, ...errors },
      },
    },
    async (request, reply) => tagged(reply, await branding.get((await tenantOf(services, request)).id, localeOf(request))),
  );

  app.put(
    '/tenants/:tenant/branding/:locale',
    {
      config: tenantWrite,
      schema: {
        summary: 'Replace the branding of a language (If-Match required)',
        tags,
        params: localeParams,
        body: brandingBody,
        response: { 200: brandingOut, ...errors },
      },
    },
    async (request, reply) => {
      const tenant = await tenantOf(services, request);
      return tagged(reply, await branding.replace(tenant.id, localeOf(request), request.body as Branding, ifMatchOf(request), principalActor(request)));
    },
  );

  app.delete(
    '/tenants/:tenant/branding/:locale',
    {
      config: tenantWrite,
      schema: {
        summary: "Drop a language's branding (If-Match required); its pages use the defaults",
        tags,
        params: localeParams,
        response: { 204: noContent, ...errors },
      },
    },
    async (request, reply) => {
      const tenant = await tenantOf(services, request);
      await branding.reset(tenant.id, localeOf(request), ifMatchOf(request), principalActor(request));
      return reply.code(204).send();
    },
  );
}
