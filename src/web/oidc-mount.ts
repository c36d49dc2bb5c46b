import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import { DomainError } from '../core/errors.ts';
import type { RateLimiter } from '../core/policies/rate-limits.ts';
import type { ProviderCache } from '../oidc/provider-cache.ts';
import { allowOwnInlineScripts, flushHeaders } from './security-headers.ts';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const handlers = new WeakMap<Provider, Handler>();
const handlerOf = (provider: Provider): Handler => {
  let handler = handlers.get(provider);
  if (!handler) {
    handler = provider.callback() as Handler;
    handlers.set(provider, handler);
  }
  return handler;
};

/**
 * Mounts each tenant's oidc-provider under `/{tenant}` at Entra's paths. oidc-provider derives
 * its endpoint URLs from `originalUrl` minus `url`, so we hand it the path below the tenant.
 * It reads request bodies itself, so this plugin drops Fastify's body parsers.
 */
export async function oidcMount(app: FastifyInstance, opts: { providers: ProviderCache; rateLimiter: RateLimiter }): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));

  const forward = (innerPath: (rest: string) => string) => async (request: FastifyRequest, reply: FastifyReply) => {
    const { tenant, '*': rest = '' } = request.params as { tenant: string; '*'?: string };
    const found = await opts.providers.get(tenant);
    if (!found) return reply.status(404).send({ error: 'invalid_tenant', error_description: 'No such tenant.' });
    const url = request.raw.url ?? '';
    const search = url.includes('?') ? url.slice(url.indexOf('?')) : '';
    const path = innerPath(rest);
    if (request.method === 'POST' && path === '/oauth2/v2.0/token') {
      try {
        await opts.rateLimiter.enforce('token_per_ip', request.ip, { tenantId: found.tenant.id, ip: request.ip });
      } catch (error) {
        if (!(error instanceof DomainError) || error.code !== 'rate_limited') throw error;
        const retryAfter = Math.max(1, Math.ceil((error.meta.retryAfterMs ?? 1000) / 1000));
        return reply
          .status(429)
          .header('retry-after', String(retryAfter))
          .header('cache-control', 'no-store')
          .send({ error: 'temporarily_unavailable', error_description: 'Too many requests. Retry later.' });
      }
    }
    const raw = request.raw as IncomingMessage & { originalUrl?: string };
    // Discovery lives at /{tenant}/v2.0/.well-known/…, but its endpoints are under /{tenant}.
    raw.originalUrl = `/${tenant}${path}${search}`;
    raw.url = `${path}${search}`;
    flushHeaders(reply);
    allowOwnInlineScripts(reply.raw);
    reply.hijack();
    handlerOf(found.provider)(raw, reply.raw);
  };

  const methods = ['GET', 'POST', 'OPTIONS'] as const;
  app.route({ method: [...methods], url: '/:tenant/oauth2/v2.0/*', handler: forward((rest) => `/oauth2/v2.0/${rest}`) });
  app.route({ method: [...methods], url: '/:tenant/openid/v2.0/userinfo', handler: forward(() => '/openid/v2.0/userinfo') });
  app.route({ method: ['GET', 'OPTIONS'], url: '/:tenant/discovery/v2.0/keys', handler: forward(() => '/discovery/v2.0/keys') });
  app.route({
    method: ['GET', 'OPTIONS'],
    url: '/:tenant/v2.0/.well-known/openid-configuration',
    handler: forward(() => '/.well-known/openid-configuration'),
  });
}
