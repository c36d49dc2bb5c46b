import cookie from '@fastify/cookie';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import { adminApi } from '../admin/admin-api.ts';
import type { ProviderCache } from '../oidc/provider-cache.ts';
import type { Services } from '../services.ts';
import { QuietAccessLog, accessLogMode } from './access-log.ts';
import { demoApp } from './demo/demo-app.ts';
import { type DevMailboxSource, devMailboxRoutes } from './dev-mailbox.ts';
import { installErrorMapper } from './error-mapper.ts';
import { healthRoutes } from './health.ts';
import { oidcMount } from './oidc-mount.ts';
import { createInteractionKit } from './pages/interaction-kit.ts';
import { passcodeSignInPages } from './pages/passcode-sign-in.ts';
import { passwordResetPages } from './pages/password-reset.ts';
import { signInPages } from './pages/sign-in.ts';
import { signUpPages } from './pages/sign-up.ts';
import { installSecurityHeaders, rejectMalformedRequest, securityHeaders } from './security-headers.ts';
import { showPasswordScript } from './static/show-password.ts';
import { stylesheet } from './static/stylesheet.ts';
import { installStrictBodyParsers, isWellFormedTarget } from './strict-bodies.ts';

export interface ServerOptions {
  services: Services;
  providers: ProviderCache;
  logger: FastifyBaseLogger;
  baseUrl: string;
  cookieSecret: Buffer;
  /** The seeded demo app to serve at /demo, if any. */
  demo?: { tenantName: string; clientId: string };
  /** The dev mailbox to serve at /dev/mailbox; given only in development without SMTP. */
  devMailbox?: DevMailboxSource;
}

/** Builds the Fastify server; plugins are registered in this fixed order. */
export async function buildServer(opts: ServerOptions): Promise<FastifyInstance> {
  const https = opts.baseUrl.startsWith('https://');
  const app: FastifyInstance = Fastify({
    loggerInstance: opts.logger,
    logController: new QuietAccessLog(accessLogMode(opts.logger.level)),
    bodyLimit: 64 * 1024,
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: 200 },
    // A number, boolean or null where a string belongs is a 400, not silently turned into "1234".
    ajv: { customOptions: { coerceTypes: false } },
    // Errors Fastify raises before any hook runs (a bad percent escape in the path) and those
    // Node's HTTP parser raises (oversized head, broken framing) still get the security headers
    // and a JSON body, like every other answer.
    frameworkErrors: (error, _request, reply: FastifyReply) => {
      reply.headers(securityHeaders(https)).header('cache-control', 'no-store');
      reply.status(400).send({ error: { code: 'bad_request', message: error.message } });
    },
    clientErrorHandler: (error, socket) => rejectMalformedRequest(error, socket, securityHeaders(https)),
  });
  installSecurityHeaders(app, https);
  installErrorMapper(app);
  app.addHook('onRequest', async (request, reply) => {
    if (!isWellFormedTarget(request.raw.url ?? '')) {
      return reply.status(400).header('cache-control', 'no-store').send({ error: { code: 'bad_encoding', message: 'The request target carries a malformed percent-encoding or a NUL character.' } });
    }
  });
  await app.register(cookie, { secret: opts.cookieSecret.toString('base64url') });

  await app.register(healthRoutes, { store: opts.services.deps.store });
  app.get('/static/latchkey.css', async (_request, reply) => reply.header('cache-control', 'public, max-age=3600').type('text/css; charset=utf-8').send(stylesheet));
  app.get('/static/latchkey.js', async (_request, reply) => reply.header('cache-control', 'public, max-age=3600').type('text/javascript; charset=utf-8').send(showPasswordScript));
  await app.register(oidcMount, { providers: opts.providers, rateLimiter: opts.services.rateLimiter });
  await app.register(async (pages) => {
    installStrictBodyParsers(pages, 16 * 1024);
    const journey = { services: opts.services, kit: createInteractionKit(opts.providers) };
    for (const plugin of [signInPages, passwordResetPages, signUpPages, passcodeSignInPages]) await pages.register(plugin, journey);
    if (opts.demo) await pages.register(demoApp, { baseUrl: opts.baseUrl, ...opts.demo });
  });
  // The admin REST API (/admin/v1, JSON only) and its OpenAPI document (/admin/openapi.json, /admin/docs).
  await app.register(adminApi, { prefix: '/admin', services: opts.services, providers: opts.providers });
  if (opts.devMailbox) await app.register(devMailboxRoutes, { mailbox: opts.devMailbox });
  app.get('/', async (_request, reply) => reply.redirect(opts.demo ? '/demo' : '/health', 302));
  return app;
}
