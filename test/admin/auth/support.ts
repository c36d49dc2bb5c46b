import { randomBytes } from 'node:crypto';
import { after, before } from 'node:test';
import { CONSOLE_CLIENT_ID } from '../../../src/core/admin/admin-directory.ts';
import type { AppId } from '../../../src/core/ids.ts';
import type { DialectName } from '../../../src/store/index.ts';
import { Journey } from '../../fixtures/journey.ts';
import { type TestServer, type TestServerOptions, startTestServer } from '../../fixtures/server.ts';
import type { TestTenant } from '../../fixtures/tenants.ts';

/** The console app's loopback redirect URI: the code stays with the test, not followed. */
const LOOPBACK_CALLBACK = 'http://127.0.0.1/callback';

/**
 * One server per dialect and test file: starting one per test would cost most of the budget.
 * Tests still make their own tenants, keys and admins (random names), so none depends on another.
 */
export function suiteServer(dialect: DialectName, options: Omit<TestServerOptions, 'dialect'> = {}): () => TestServer {
  let server: TestServer | undefined;
  before(async () => {
    server = await startTestServer({ ...options, dialect });
  });
  after(() => server?.close());
  return () => {
    if (!server) throw new Error('the suite server is not started');
    return server;
  };
}

/** The admin directory and its console app, seen as a test tenant, for the journey helpers. */
export async function adminDirectory(server: TestServer): Promise<TestTenant> {
  const { services } = server.latchkey;
  const tenant = await services.admin.directory();
  const app = await services.apps.find(tenant.id, CONSOLE_CLIENT_ID as AppId);
  if (!app) throw new Error('the admin directory has no console app');
  return { tenant, app, clientSecret: null, redirectUri: LOOPBACK_CALLBACK, issuer: `${server.baseUrl}/${tenant.name}/v2.0` } as unknown as TestTenant;
}

/**
 * Signs in to the admin directory through the hosted pages (email, then password) as the console
 * app would, and returns the tokens of the code exchange, checked by openid-client.
 */
export async function signInToAdminDirectory(server: TestServer, email: string, password: string): Promise<{ accessToken: string; idToken: string }> {
  const { journey, page } = await Journey.begin(server, await adminDirectory(server), 'openid profile email');
  const passwordPage = await journey.submit(page, '/email', { email });
  const done = await journey.submit(passwordPage, '/password', { password });
  const tokens = await journey.tokens(done);
  if (!tokens.id_token) throw new Error('no ID token');
  return { accessToken: tokens.access_token, idToken: tokens.id_token };
}

/** A strong, random password that every default policy accepts. */
export const strongPassword = () => `Pw-${randomBytes(12).toString('base64url')}!`;
