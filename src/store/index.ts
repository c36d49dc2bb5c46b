import type { Kysely } from 'kysely';
import type { Store } from '../core/ports.ts';
import { type DialectName, openDatabase } from './dialects.ts';

export type { DialectName };
import { migrateToLatest } from './migrate.ts';
import { createAppRepository } from './repositories/apps.ts';
import { createFlowRepository } from './repositories/flows.ts';
import { createGroupRepository } from './repositories/groups.ts';
import { createOutboxRepository } from './repositories/outbox.ts';
import { createPasscodeRepository } from './repositories/passcodes.ts';
import { createAuditLogRepository } from './repositories/audit-log.ts';
import { createAdminGrantRepository } from './repositories/admin-grants.ts';
import { createApiKeyRepository } from './repositories/api-keys.ts';
import { createOidcArtifactRepository } from './repositories/oidc-artifacts.ts';
import { createPasswordRepository } from './repositories/passwords.ts';
import { createSignInLogRepository } from './repositories/sign-in-log.ts';
import { createSigningKeyRepository } from './repositories/signing-keys.ts';
import { createTenantRepository } from './repositories/tenants.ts';
import { createUserFlowRepository } from './repositories/user-flows.ts';
import { createCustomAttributeRepository } from './repositories/custom-attributes.ts';
import { createBrandingRepository } from './repositories/branding.ts';
import { createUserRepository } from './repositories/users.ts';
import type { Database } from './schema.ts';

function repositories(db: Kysely<Database>) {
  return {
    tenants: createTenantRepository(db),
    apps: createAppRepository(db),
    users: createUserRepository(db),
    passwords: createPasswordRepository(db),
    groups: createGroupRepository(db),
    userFlows: createUserFlowRepository(db),
    customAttributes: createCustomAttributeRepository(db),
    branding: createBrandingRepository(db),
    signingKeys: createSigningKeyRepository(db),
    flows: createFlowRepository(db),
    oidcArtifacts: createOidcArtifactRepository(db),
    signInLog: createSignInLogRepository(db),
    outbox: createOutboxRepository(db),
    passcodes: createPasscodeRepository(db),
    auditLog: createAuditLogRepository(db),
    adminGrants: createAdminGrantRepository(db),
    apiKeys: createApiKeyRepository(db),
  };
}

type Listener = () => void;

/**
 * Binds the repositories to `db`. Mail written to the outbox inside a transaction is announced to
 * the listeners only after that transaction commits, so the worker never looks too early and a
 * rolled-back passcode never announces a mail.
 */
function bind(db: Kysely<Database>, root: Kysely<Database>, listeners: Set<Listener>, pending: { mail: boolean } | null): Store {
  const repos = repositories(db);
  const announce = () => {
    for (const listener of listeners) listener();
  };
  return {
    ...repos,
    outbox: {
      ...repos.outbox,
      async enqueue(mail) {
        await repos.outbox.enqueue(mail);
        if (pending) pending.mail = true;
        else announce();
      },
    },
    async transaction(fn) {
      if (db.isTransaction) return fn(bind(db, root, listeners, pending));
      const inner = { mail: false };
      const result = await db.transaction().execute((trx) => fn(bind(trx, root, listeners, inner)));
      if (inner.mail) announce();
      return result;
    },
    ping: async () => {
      await root.selectFrom('tenants').select('id').limit(1).execute();
    },
    close: () => root.destroy(),
  };
}

export interface OpenedStore {
  store: Store;
  dialect: DialectName;
  /** Applies pending migrations; returns their names. */
  migrate(): Promise<string[]>;
  /** Calls `listener` whenever mail was committed to the outbox by this process. */
  onMailQueued(listener: Listener): void;
}

/** Opens the store at `url` (sqlite:… or postgres://…). Call `migrate()` before first use. */
export function openStore(url: string): OpenedStore {
  const { db, dialect } = openDatabase(url);
  const listeners = new Set<Listener>();
  return { store: bind(db, db, listeners, null), dialect, migrate: () => migrateToLatest(db, dialect), onMailQueued: (listener) => listeners.add(listener) };
}
