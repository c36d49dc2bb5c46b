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
import { createOidcArtifactRepository } from './repositories/oidc-artifacts.ts';
import { createPasswordRepository } from './repositories/passwords.ts';
import { createSignInLogRepository } from './repositories/sign-in-log.ts';
import { createSigningKeyRepository } from './repositories/signing-keys.ts';
import { createTenantRepository } from './repositories/tenants.ts';
import { createUserFlowRepository } from './repositories/user-flows.ts';
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
    signingKeys: createSigningKeyRepository(db),
    flows: createFlowRepository(db),
    oidcArtifacts: createOidcArtifactRepository(db),
    signInLog: createSignInLogRepository(db),
    outbox: createOutboxRepository(db),
    passcodes: createPasscodeRepository(db),
    auditLog: createAuditLogRepository(db),
  };
}

function bind(db: Kysely<Database>, root: Kysely<Database>): Store {
  return {
    ...repositories(db),
    transaction: (fn) => (db.isTransaction ? fn(bind(db, root)) : db.transaction().execute((trx) => fn(bind(trx, root)))),
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
}

/** Opens the store at `url` (sqlite:… or postgres://…). Call `migrate()` before first use. */
export function openStore(url: string): OpenedStore {
  const { db, dialect } = openDatabase(url);
  return { store: bind(db, db), dialect, migrate: () => migrateToLatest(db) };
}
