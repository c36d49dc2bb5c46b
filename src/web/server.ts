import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { ProviderCache } from '../oidc/provider-cache.ts';
import type { Services } from '../services.ts';
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
import { installSecurityHeaders } from './security-headers.ts';
import { stylesheet } from './static/stylesheet.ts';

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
  const app: FastifyInstance = Fastify({
    loggerInstance: opts.logger,
    bodyLimit: 64 * 1024,
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: 200 },
  });
  installSecurityHeaders(app, opts.baseUrl.startsWith('https://'));
  installErrorMapper(app);
  await app.register(cookie, { secret: opts.cookieSecret.toString('base64url') });

  await app.register(healthRoutes, { store: opts.services.deps.store });
  app.get('/static/latchkey.css', async (_request, reply) => reply.header('cache-control', 'public, max-age=3600').type('text/css; charset=utf-8').send(stylesheet));
  await app.register(oidcMount, { providers: opts.providers, rateLimiter: opts.services.rateLimiter });
  await app.register(async (pages) => {
    await pages.register(formbody, { bodyLimit: 16 * 1024 });
    const journey = { services: opts.services, kit: createInteractionKit(opts.providers) };
    for (const plugin of [signInPages, passwordResetPages, signUpPages, passcodeSignInPages]) await pages.register(plugin, journey);
    if (opts.demo) await pages.register(demoApp, { baseUrl: opts.baseUrl, ...opts.demo });
  });
  if (opts.devMailbox) await app.register(devMailboxRoutes, { mailbox: opts.devMailbox });
  app.get('/', async (_request, reply) => reply.redirect(opts.demo ? '/demo' : '/health', 302));
  return app;
}
