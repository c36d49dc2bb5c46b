import { createHmac } from 'node:crypto';
import { pino } from 'pino';
import { type Config, ConfigError } from './config.ts';
import type { AppId } from './core/ids.ts';
import type { Clock, Random } from './core/ports.ts';
import { type MailDelivery, createMailDelivery } from './mail/mail-delivery.ts';
import { createProviderCache } from './oidc/provider-cache.ts';
import { DEMO_CLIENT_ID, DEMO_TENANT, type DemoSeed, seedDemo } from './seed-demo.ts';
import { type Services, createServices } from './services.ts';
import { oidcViews } from './web/pages/views/oidc-views.tsx';
import { buildServer } from './web/server.ts';

/** How often expired flows and OIDC artifacts are swept from the database. */
const SWEEP_INTERVAL_MS = 10 * 60 * 1000;

export interface StartOptions {
  clock?: Clock;
  random?: Random;
  /** Where the start-up banner goes; defaults to stdout. */
  print?: (line: string) => void;
}

export interface Latchkey {
  url: string;
  services: Services;
  seed: DemoSeed;
  /** Outbox delivery: `nudge()` after committing mail; `devMailbox` when there is no SMTP. */
  mail: Pick<MailDelivery, 'nudge' | 'worker' | 'devMailbox'>;
  close(): Promise<void>;
}

/** The composition root: builds every adapter, hands them to the core, starts the HTTP server. */
export async function startLatchkey(config: Config, options: StartOptions = {}): Promise<Latchkey> {
  const startedAt = performance.now();
  const logger = pino({ level: config.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie'] });
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  // Mail: without SMTP, passcodes would only reach the in-memory dev mailbox, so production refuses to start.
  if (config.production && !config.smtpUrl) {
    throw new ConfigError('LATCHKEY_SMTP_URL is not set: production needs an SMTP server to send passcodes (the dev mailbox is for development only).');
  }
  if (config.secretGenerated) {
    logger.warn('LATCHKEY_SECRET is not set: generated a master key into the data directory. Set LATCHKEY_SECRET in production and keep it safe.');
  }
  // Lockouts and refused requests are warnings an operator acts on (an attack in progress), so
  // they are logged at warn (shown at the default level), with who and where, never what was typed.
  const securityLog = logger.child({ component: 'security' });
  const services = await createServices(config, {
    ...options,
    securityLog: { record: (event) => securityLog.warn(event, event.event === 'account_locked' ? 'account locked' : 'request refused: rate limited') },
  });
  const seed = config.seedDemo ? await seedDemo(services, config.baseUrl) : { created: false };
  const demoTenant = config.seedDemo ? await services.deps.store.tenants.findByName(DEMO_TENANT) : undefined;
  const demoApp = demoTenant ? await services.apps.find(demoTenant.id, DEMO_CLIENT_ID as AppId) : undefined;

  const providers = createProviderCache({
    store: services.deps.store,
    clock: services.deps.clock,
    keyVault: services.keyVault,
    baseUrl: config.baseUrl,
    secret: config.secret,
    views: oidcViews,
    rateLimiter: services.rateLimiter,
  });
  const mail = createMailDelivery({
    smtpUrl: config.smtpUrl,
    from: config.smtpFrom,
    otpOrigin: config.baseUrl,
    outbox: services.deps.store.outbox,
    unseal: services.outboxSealer.open,
    tenants: services.deps.store.tenants,
    clock: services.deps.clock,
    logger: logger.child({ component: 'mail' }),
    print,
  });
  if (mail.devMailbox) logger.warn(`LATCHKEY_SMTP_URL is not set: mail is kept in memory at ${config.baseUrl}/dev/mailbox and never sent (development only).`);
  const server = await buildServer({
    services,
    providers,
    logger,
    baseUrl: config.baseUrl,
    cookieSecret: createHmac('sha256', config.secret).update('web-cookies').digest(),
    demo: demoApp ? { tenantName: DEMO_TENANT, clientId: demoApp.id } : undefined,
    devMailbox: mail.devMailbox,
  });
  await services.passwordAuthenticator.warmUp();
  try {
    await server.listen({ port: config.port, host: config.host });
  } catch (error) {
    await mail.worker.stop();
    await services.close();
    throw error;
  }
  const address = server.server.address();
  const url = typeof address === 'object' && address ? `http://${config.host}:${address.port}` : config.baseUrl;

  const sweep = setInterval(() => {
    const now = services.deps.clock.now();
    Promise.all([services.deps.store.flows.deleteExpired(now), services.deps.store.oidcArtifacts.deleteExpired(now)]).catch((error: unknown) =>
      logger.warn({ err: error }, 'sweeping expired records failed'),
    );
  }, SWEEP_INTERVAL_MS);
  sweep.unref();
  mail.worker.start();
  // Mail committed by a journey goes out at once instead of at the next poll.
  services.onMailQueued(() => mail.nudge());

  logger.info({ url, baseUrl: config.baseUrl, database: services.dialect, readyMs: Math.round(performance.now() - startedAt) }, 'Latchkey is ready');
  print(`Latchkey is ready at ${config.baseUrl} (database: ${services.dialect})`);
  if (demoApp) {
    print(`  Demo app:        ${config.baseUrl}/demo`);
    print(`  Demo discovery:  ${config.baseUrl}/${DEMO_TENANT}/v2.0/.well-known/openid-configuration`);
  }
  if (mail.devMailbox) print(`  Dev mailbox:     ${config.baseUrl}/dev/mailbox`);
  if (seed.demoUser) print(`  Demo user:       ${seed.demoUser.email} / ${seed.demoUser.password}   (shown once)`);
  if (seed.demoAdmin) print(`  Demo admin:      ${seed.demoAdmin.email} / ${seed.demoAdmin.password}   (shown once; global administrator; admin API reference at ${config.baseUrl}/admin/docs)`);

  let closing: Promise<void> | undefined;
  return {
    url,
    services,
    seed,
    mail: { nudge: mail.nudge, worker: mail.worker, devMailbox: mail.devMailbox },
    close() {
      // Idempotent: a second call (e.g. stop() then close() in a test) waits for the first.
      closing ??= (async () => {
        clearInterval(sweep);
        try {
          await server.close();
          await mail.close();
        } finally {
          await services.close();
        }
      })();
      return closing;
    },
  };
}
