import { DomainError, type ErrorCode } from '../../../src/core/errors.ts';
import type { Flow } from '../../../src/core/flows/flow.ts';
import type { FlowId, TenantId, UserId } from '../../../src/core/ids.ts';
import type { Store } from '../../../src/core/ports.ts';
import type { Tenant } from '../../../src/core/tenants/tenant.ts';
import type { User } from '../../../src/core/users/user.ts';
import { T0 } from '../../fixtures/core.ts';
import type { EmptyStore } from '../databases.ts';

export { T0 };

/** Hands one test a migrated store with no data in it. */
export type OpenStore = () => Promise<EmptyStore>;

export interface TestContext {
  after(fn: () => Promise<void>): void;
}

/** An empty store for this test, released when the test ends. */
export async function storeFor(t: TestContext, open: OpenStore): Promise<Store> {
  const database = await open();
  t.after(() => database.close());
  return database.store;
}

export const failsWith = (code: ErrorCode) => (error: unknown) => error instanceof DomainError && error.code === code;

export const tenantRow = (name: string, overrides: Partial<Tenant> = {}): Tenant => ({
  id: `tenant-${name}` as TenantId,
  name,
  displayName: name,
  configVersion: 1,
  createdAt: T0,
  policies: {},
  ...overrides,
});

/** Inserts a tenant (most rows belong to one) and returns its id. */
export async function seedTenant(store: Store, name = 'contoso'): Promise<TenantId> {
  const tenant = tenantRow(name);
  await store.tenants.insert(tenant);
  return tenant.id;
}

export const userRow = (tenantId: TenantId, email: string, overrides: Partial<User> = {}): User => ({
  id: `user-${tenantId}-${email}` as UserId,
  tenantId,
  email,
  emailNormalized: email.toLowerCase(),
  displayName: email.split('@')[0] ?? email,
  attributes: {},
  enabled: true,
  emailVerified: false,
  createdAt: T0,
  updatedAt: T0,
  ...overrides,
});

export const flowRow = (tenantId: TenantId, id: string, overrides: Partial<Flow> = {}): Flow => ({
  id: id as FlowId,
  tenantId,
  kind: 'sign_in',
  state: 'awaiting_email',
  data: { interactionUid: 'uid-1', csrf: 'csrf' },
  version: 1,
  expiresAt: T0 + 60_000,
  createdAt: T0,
  ...overrides,
});
