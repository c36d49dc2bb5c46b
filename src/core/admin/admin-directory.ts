import type { App } from '../apps/app.ts';
import { validateRedirectUri } from '../apps/redirect-uri.ts';
import { DomainError } from '../errors.ts';
import type { AppId, TenantId, UserFlowId } from '../ids.ts';
import type { CoreDeps } from '../ports.ts';
import type { Tenant } from '../tenants/tenant.ts';
import type { UserFlow } from '../user-flows/user-flow.ts';

/**
 * The admin directory: a tenant like the customers' (same hosted pages, same OIDC), whose users
 * are Latchkey's administrators. Its name is reserved, so no customer tenant can take it.
 */
export const ADMIN_TENANT = 'admin';
/** The public app of the (future) web console; also usable by tools on a loopback redirect URI. */
export const CONSOLE_CLIENT_ID = 'latchkey-console';

/** Where the console app may receive codes: the console's callback and any loopback port (RFC 8252). */
export const consoleRedirectUris = (baseUrl: string): string[] => [`${baseUrl}/admin/console/callback`, 'http://127.0.0.1/callback'];

const isValidPublicRedirect = (uri: string) => {
  try {
    validateRedirectUri(uri, 'public');
    return true;
  } catch {
    return false;
  }
};

/**
 * Creates the admin directory if it does not exist yet: the tenant with its signing key, a user
 * flow with Email with password and self-service password reset (no sign-up: admins are only
 * created by other admins or the CLI), and the console app. Idempotent, and safe when two
 * processes start at once (the loser of the race reads the winner's directory).
 */
export async function ensureAdminDirectory(deps: CoreDeps, baseUrl: string): Promise<Tenant> {
  const { store, clock, random, keyFactory } = deps;
  const existing = await store.tenants.findByName(ADMIN_TENANT);
  if (existing) return existing;
  const now = clock.now();
  const tenant: Tenant = { id: random.id() as TenantId, name: ADMIN_TENANT, displayName: 'Latchkey administration', configVersion: 1, createdAt: now, policies: {} };
  const userFlow: UserFlow = {
    id: random.id() as UserFlowId,
    tenantId: tenant.id,
    name: 'Administrator sign-in',
    methods: ['email_password'],
    attributes: ['displayName'],
    customAttributes: [],
    ssprEnabled: true,
    createdAt: now,
  };
  // A plain-http base URL on a non-loopback host (a test box on the LAN) cannot be a redirect
  // URI; the console then keeps only the loopback one rather than Latchkey refusing to start.
  const redirectUris = consoleRedirectUris(baseUrl).filter(isValidPublicRedirect);
  const app: App = {
    id: CONSOLE_CLIENT_ID as AppId,
    tenantId: tenant.id,
    name: 'Latchkey console',
    type: 'public',
    secretHash: null,
    redirectUris,
    postLogoutRedirectUris: [`${baseUrl}/admin/console`].filter(isValidPublicRedirect),
    userFlowId: userFlow.id,
    createdAt: now,
  };
  const key = await keyFactory.create(tenant.id, now);
  try {
    await store.transaction(async (tx) => {
      await tx.tenants.insert(tenant);
      await tx.signingKeys.insert(key);
      await tx.userFlows.insert(userFlow);
      await tx.apps.insert(app);
    });
  } catch (error) {
    if (!(error instanceof DomainError && error.code === 'tenant_exists')) throw error;
  }
  const created = await store.tenants.findByName(ADMIN_TENANT);
  if (!created) throw new Error('The admin directory could not be created.');
  return created;
}
