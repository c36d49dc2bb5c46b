import { createHmac, hkdfSync } from 'node:crypto';
import { createSealer } from './secrets/sealer.ts';
import type { Config } from './config.ts';
import { createAppService } from './core/apps/app-service.ts';
import { createPasswordAuthenticator } from './core/credentials/password-authenticator.ts';
import { createPasscodes } from './core/credentials/passcode.ts';
import { createPasscodeSignInFlows } from './core/flows/passcode-sign-in.ts';
import { createPasswordResetFlows } from './core/flows/password-reset.ts';
import { createSignInFlows } from './core/flows/sign-in.ts';
import { createSignUpFlows } from './core/flows/sign-up.ts';
import { journeySettings } from './core/user-flows/journey-settings.ts';
import { createRateLimiter } from './core/policies/rate-limits.ts';
import type { AppId } from './core/ids.ts';
import type { Tenant } from './core/tenants/tenant.ts';
import type { Clock, CoreDeps, Random, SecurityLog } from './core/ports.ts';
import { createTenantService } from './core/tenants/tenant-service.ts';
import { createUserFlowService } from './core/user-flows/user-flow-service.ts';
import { ensureAdminDirectory } from './core/admin/admin-directory.ts';
import { createAdminService } from './core/admin/admin-service.ts';
import { createAdminResources } from './core/admin-resources.ts';
import { createUserService } from './core/users/user-service.ts';
import { createCounters } from './counters/index.ts';
import { createKeyVault } from './oidc/key-vault.ts';
import { createArgon2Hasher } from './passwords/argon2-hasher.ts';
import { type DialectName, openStore } from './store/index.ts';
import { cryptoRandom, systemClock } from './system.ts';

/**
 * Opens the database, migrates it and wires the domain services to their adapters. The server
 * and the CLI both start from here, so they share one implementation of every rule.
 */
export async function createServices(config: Config, overrides: { clock?: Clock; random?: Random; securityLog?: SecurityLog } = {}) {
  const opened = openStore(config.databaseUrl);
  const migrations = await opened.migrate();
  const keyVault = createKeyVault(config.secret);
  const macKey = Buffer.from(hkdfSync('sha256', config.secret, 'latchkey', 'passcode-mac', 32));
  const outboxSealer = createSealer(config.secret, 'outbox-seal');
  const counters = await createCounters({
    databaseUrl: config.databaseUrl,
    redisUrl: config.redisUrl,
    onError: (error) => process.emitWarning(`Shared counters: ${error.message}`),
  });
  const deps: CoreDeps = {
    store: opened.store,
    clock: overrides.clock ?? systemClock,
    random: overrides.random ?? cryptoRandom,
    hasher: createArgon2Hasher(config.argon2),
    keyFactory: keyVault.factory,
    counters: counters.counters,
    mac: (data) => createHmac('sha256', macKey).update(data, 'utf8').digest('base64url'),
    seal: outboxSealer.seal,
    securityLog: overrides.securityLog,
  };
  const passwordAuthenticator = createPasswordAuthenticator(deps);
  const passcodes = createPasscodes(deps);
  // The admin directory (Latchkey's own administrators) exists from the first start on.
  await ensureAdminDirectory(deps, config.baseUrl);
  return {
    deps,
    dialect: opened.dialect as DialectName,
    appliedMigrations: migrations,
    keyVault,
    outboxSealer,
    tenants: createTenantService(deps),
    apps: createAppService(deps),
    users: createUserService(deps),
    userFlows: createUserFlowService(deps),
    /** Administrators, their roles and API keys (the admin API and `latchkey admin`). */
    admin: createAdminService(deps),
    /** Tenant resources as administrators manage them (If-Match guarded, audited): the admin API's resource routes and the CLI. */
    resources: createAdminResources(deps),
    passwordAuthenticator,
    signIn: createSignInFlows(deps, passwordAuthenticator),
    passwordReset: createPasswordResetFlows(deps, passcodes),
    signUp: createSignUpFlows(deps, passcodes),
    passcodeSignIn: createPasscodeSignInFlows(deps, passcodes),
    /** Request budgets (per IP, per address…) on the shared counters, for front doors outside the journeys. */
    rateLimiter: createRateLimiter(deps.counters, deps.securityLog),
    /** What the hosted pages may offer for an app (user flow + policies). */
    journeySettings: (tenant: Tenant, appId: AppId | null) => journeySettings(deps.store, tenant, appId),
    /** Runs `listener` after each commit that queued mail (the outbox worker's nudge). */
    onMailQueued: opened.onMailQueued,
    async close() {
      await counters.close();
      await opened.store.close();
    },
  };
}

export type Services = Awaited<ReturnType<typeof createServices>>;
