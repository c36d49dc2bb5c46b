import { randomBytes } from 'node:crypto';
import type { Services } from './services.ts';

export const DEMO_TENANT = 'demo';
export const DEMO_CLIENT_ID = 'demo-app';
export const DEMO_USER_EMAIL = 'demo@example.com';
export const DEMO_ADMIN_EMAIL = 'admin@example.com';

export interface DemoSeed {
  created: boolean;
  /** Shown once, on the start that created the demo user. */
  demoUser?: { email: string; password: string };
  /** A global administrator of the admin directory, shown once like the demo user. */
  demoAdmin?: { email: string; password: string };
}

/**
 * On an empty database, creates what a newcomer needs to try Latchkey at once: the `demo`
 * tenant, its "Sign up and sign in" user flow (Email with password), the demo app served at
 * /demo, one demo user and one demo global administrator, each with a random password that is
 * printed once.
 */
export async function seedDemo(services: Services, baseUrl: string): Promise<DemoSeed> {
  if ((await services.tenants.list()).length > 0) return { created: false };
  const tenant = await services.tenants.create(DEMO_TENANT, 'Latchkey Demo');
  const userFlow = await services.userFlows.create({
    tenantId: tenant.id,
    name: 'Sign up and sign in',
    methods: ['email_password'],
    attributes: ['displayName'],
    ssprEnabled: true,
  });
  await services.apps.create({
    id: DEMO_CLIENT_ID,
    tenantId: tenant.id,
    name: 'Demo app',
    type: 'public',
    redirectUris: [`${baseUrl}/demo/callback`],
    postLogoutRedirectUris: [`${baseUrl}/demo`],
    userFlowId: userFlow.id,
  });
  const password = randomBytes(9).toString('base64url');
  await services.users.create({ tenantId: tenant.id, email: DEMO_USER_EMAIL, password, displayName: 'Demo User', emailVerified: true });
  const adminPassword = randomBytes(12).toString('base64url');
  await services.admin.createAdmin({ email: DEMO_ADMIN_EMAIL, password: adminPassword, displayName: 'Demo Admin', grants: [{ role: 'global_admin' }] }, 'cli');
  return { created: true, demoUser: { email: DEMO_USER_EMAIL, password }, demoAdmin: { email: DEMO_ADMIN_EMAIL, password: adminPassword } };
}
