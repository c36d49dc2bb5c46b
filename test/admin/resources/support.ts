import { randomBytes } from 'node:crypto';
import { after, before } from 'node:test';
import type { DialectName } from '../../../src/store/index.ts';
import { type AdminCall, adminCaller } from '../../fixtures/admin.ts';
import { startTestServer, type TestServer } from '../../fixtures/server.ts';
import { startTestMailbox, type TestMailbox } from '../../fixtures/smtp.ts';
import { createTestTenant, type TestTenant } from '../../fixtures/tenants.ts';

export interface ResourceWorld {
  server: TestServer;
  mailbox: TestMailbox;
}

/**
 * One server (with a captured mailbox) per dialect and test file: starting one per test would
 * cost most of the budget. Each test makes its own tenant, users and admin key with random names
 * and addresses, so none depends on another.
 */
export function suiteWorld(dialect: DialectName): () => ResourceWorld {
  let world: ResourceWorld | undefined;
  before(async () => {
    const mailbox = await startTestMailbox();
    const server = await startTestServer({ dialect, env: { LATCHKEY_SMTP_URL: mailbox.url } });
    world = { server, mailbox };
  });
  after(async () => {
    await world?.server.close();
    await world?.mailbox.stop();
  });
  return () => {
    if (!world) throw new Error('the suite server is not started');
    return world;
  };
}

/** A fresh tenant (with an app and a user at a unique address) and a tenant administrator of it. */
export async function tenantWithAdmin(world: ResourceWorld): Promise<{ tt: TestTenant; call: AdminCall; base: string; email: string }> {
  const email = `user-${randomBytes(4).toString('hex')}@example.com`;
  const tt = await createTestTenant(world.server, { email });
  const call = await adminCaller(world.server, { role: 'tenant_admin', tenants: [tt.tenant.name] });
  return { tt, call, base: `/admin/v1/tenants/${tt.tenant.name}`, email };
}

/** Reads a resource and writes it back changed, with the ETag it read as If-Match. */
export async function readThenWrite(call: AdminCall, method: 'PUT' | 'PATCH' | 'DELETE', path: string, change: (current: Record<string, unknown>) => unknown) {
  const current = await call('GET', path);
  if (current.status !== 200) throw new Error(`GET ${path} answered ${current.status}: ${JSON.stringify(current.body)}`);
  const etag = current.headers.get('etag');
  if (!etag) throw new Error(`GET ${path} has no ETag`);
  return call(method, path, method === 'DELETE' ? undefined : change(current.body), { 'if-match': etag });
}
