import type { Config } from './config.ts';
import { createAppService } from './core/apps/app-service.ts';
import { createPasswordAuthenticator } from './core/credentials/password-authenticator.ts';
import { createSignInFlows } from './core/flows/sign-in.ts';
import type { Clock, CoreDeps, Random } from './core/ports.ts';
import { createTenantService } from './core/tenants/tenant-service.ts';
import { createUserFlowService } from './core/user-flows/user-flow-service.ts';
import { createUserService } from './core/users/user-service.ts';
import { createKeyVault } from './oidc/key-vault.ts';
import { createArgon2Hasher } from './passwords/argon2-hasher.ts';
import { type DialectName, openStore } from './store/index.ts';
import { cryptoRandom, systemClock } from './system.ts';

/**
 * Opens the database, migrates it and wires the domain services to their adapters. The server
 * and the CLI both start from here, so they share one implementation of every rule.
 */
export async function createServices(config: Config, overrides: { clock?: Clock; random?: Random } = {}) {
  const opened = openStore(config.databaseUrl);
  const migrations = await opened.migrate();
  const keyVault = createKeyVault(config.secret);
  const deps: CoreDeps = {
    store: opened.store,
    clock: overrides.clock ?? systemClock,
    random: overrides.random ?? cryptoRandom,
    hasher: createArgon2Hasher(config.argon2),
    keyFactory: keyVault.factory,
  };
  const passwordAuthenticator = createPasswordAuthenticator(deps);
  return {
    deps,
    dialect: opened.dialect as DialectName,
    appliedMigrations: migrations,
    keyVault,
    tenants: createTenantService(deps),
    apps: createAppService(deps),
    users: createUserService(deps),
    userFlows: createUserFlowService(deps),
    passwordAuthenticator,
    signIn: createSignInFlows(deps, passwordAuthenticator),
    close: () => opened.store.close(),
  };
}

export type Services = Awaited<ReturnType<typeof createServices>>;
