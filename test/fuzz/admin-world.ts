import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { TenantId, UserFlowId } from '../../src/core/ids.ts';
import type { TestServer } from '../fixtures/server.ts';
import type { JsonSchema } from './schema-values.ts';

/**
 * What the admin API fuzzer aims at: the operations of the server's own OpenAPI document (so a
 * new route is fuzzed the day it is declared), API keys of every role, and tenants of its own
 * filled with users, groups, apps, secrets, user flows and custom attributes whose ids it knows,
 * so most requests reach a handler and a real row instead of stopping at 404.
 */

/** One operation of the OpenAPI document. */
export interface AdminOperation {
  method: string;
  /** The template, e.g. `/admin/v1/tenants/{tenant}/users/{id}`. */
  path: string;
  pathParams: string[];
  query: Array<{ name: string; schema: JsonSchema }>;
  body?: JsonSchema;
  write: boolean;
}

/** A tenant and the ids of what is in it. */
export interface AdminTenant {
  name: string;
  users: string[];
  emails: string[];
  apps: string[];
  secrets: string[];
  groups: string[];
  flows: string[];
  attributes: string[];
}

export interface AdminWorld {
  operations: AdminOperation[];
  /** The fuzz's own tenants, which it never deletes. */
  tenants: AdminTenant[];
  /** Tenants a DELETE with the right confirmation may remove. */
  throwaway: AdminTenant[];
  /** Tenants other surfaces use (and the demo): read, never changed. */
  readOnly: string[];
  keys: { global: string; tenantAdmin: string; auditor: string; scopedAuditor: string; revoked: string };
  /** API keys the fuzz may revoke (never one it authenticates with). */
  decoyKeyIds: string[];
  adminIds: string[];
}

interface OpenApiOperation {
  parameters?: Array<{ name: string; in: string; schema?: JsonSchema }>;
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  'x-latchkey-access'?: { write?: boolean };
}

/** Every operation under /admin/v1 in the server's OpenAPI document. */
async function adminOperations(baseUrl: string): Promise<AdminOperation[]> {
  const answer = await fetch(`${baseUrl}/admin/openapi.json`);
  assert.equal(answer.status, 200);
  const spec = (await answer.json()) as { paths: Record<string, Record<string, OpenApiOperation>> };
  const operations = Object.entries(spec.paths)
    .filter(([path]) => path.startsWith('/admin/v1/'))
    .flatMap(([path, item]) =>
      Object.entries(item).map(
        ([method, op]): AdminOperation => ({
          method: method.toUpperCase(),
          path,
          pathParams: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
          query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema ?? {} })),
          body: op.requestBody?.content?.['application/json']?.schema,
          write: op['x-latchkey-access']?.write ?? method !== 'get',
        }),
      ),
    );
  assert.ok(operations.length >= 40, `the OpenAPI document lists only ${operations.length} admin operations`);
  return operations;
}

export interface AdminWorldOptions {
  tenants: number;
  throwaway: number;
  /** Users, groups and apps per tenant. */
  perTenant: number;
}

/** Builds the admin world through the services (no HTTP, so the set-up is quick and not counted). */
export async function buildAdminWorld(server: TestServer, readOnly: string[], options: AdminWorldOptions): Promise<AdminWorld> {
  const { admin, resources } = server.latchkey.services;
  const suffix = randomBytes(3).toString('hex');

  const fill = async (name: string, size: number): Promise<AdminTenant> => {
    const { view } = await resources.tenants.create(name, `Admin fuzz ${name}`, 'cli');
    const tenantId = view.id as TenantId;
    const t: AdminTenant = { name, users: [], emails: [], apps: [], secrets: [], groups: [], flows: [], attributes: [] };
    // Three attributes the flows collect (deleting them is attribute_in_use), two they do not.
    for (const [attribute, type] of [
      ['loyaltyNumber', 'number'],
      ['newsletter', 'boolean'],
      ['nickname', 'string'],
      ['spareText', 'string'],
      ['spareFlag', 'boolean'],
    ] as const) {
      await resources.customAttributes.create(tenantId, { name: attribute, type, required: attribute === 'nickname', label: attribute }, 'cli');
      t.attributes.push(attribute);
    }
    const flows = [
      { name: 'Password', methods: ['email_password' as const], attributes: ['displayName', 'nickname'], ssprEnabled: true },
      { name: 'Passcode', methods: ['email_otp' as const], attributes: ['city', 'loyaltyNumber'] },
      { name: 'Both', methods: ['email_password' as const, 'email_otp' as const], attributes: ['newsletter'] },
    ];
    for (const flow of flows) t.flows.push((await resources.userFlows.create(tenantId, flow, 'cli')).view.id);
    for (let i = 0; i < size; i++) {
      const email = `admin-fuzz-${i}@example.com`;
      const user = await resources.users.create(
        tenantId,
        { email, displayName: `User ${i}`, password: i % 2 ? `Quartz lantern ${i} orbit` : undefined },
        'cli',
      );
      t.users.push(user.view.id);
      t.emails.push(email);
      t.groups.push((await resources.groups.create(tenantId, `Group ${i}`, 'cli')).view.id);
      const type = i % 2 ? 'public' : 'confidential';
      const app = await resources.apps.create(
        tenantId,
        { name: `App ${i}`, type, redirectUris: ['https://app.example/callback'], userFlowId: (t.flows[i % t.flows.length] as UserFlowId) ?? null },
        'cli',
      );
      t.apps.push(app.view.id);
      if (type === 'confidential') t.secrets.push((await resources.apps.addSecret(tenantId, app.view.id, `secret ${i}`, 'cli')).secret.id);
    }
    // Flows no app uses, so a DELETE can succeed (the others are user_flow_in_use).
    for (const name of ['Spare A', 'Spare B']) t.flows.push((await resources.userFlows.create(tenantId, { name, methods: ['email_otp'] }, 'cli')).view.id);
    return t;
  };

  const tenants: AdminTenant[] = [];
  for (let i = 0; i < options.tenants; i++) tenants.push(await fill(`admin-fuzz-${i}-${suffix}`, options.perTenant));
  const throwaway: AdminTenant[] = [];
  for (let i = 0; i < options.throwaway; i++) throwaway.push(await fill(`admin-throwaway-${i}-${suffix}`, 1));

  const key = async (role: 'global_admin' | 'tenant_admin' | 'auditor', names?: string[]) =>
    admin.createApiKey({ name: `fuzz ${role} ${randomBytes(3).toString('hex')}`, grants: [{ role, tenants: names }] }, 'cli');
  const first = tenants[0]?.name ?? '';
  const revoked = await key('auditor');
  await admin.revokeApiKey(revoked.key.id, 'cli');
  const decoys = await Promise.all([key('auditor'), key('tenant_admin', [first]), key('auditor', [first])]);
  const adminIds: string[] = [];
  for (let i = 0; i < 2; i++) {
    const created = await admin.createAdmin({ email: `fuzz-admin-${i}-${suffix}@example.com`, grants: [{ role: 'auditor' }] }, 'cli');
    adminIds.push(created.admin.id);
  }
  return {
    operations: await adminOperations(server.baseUrl),
    tenants,
    throwaway,
    readOnly,
    keys: {
      global: (await key('global_admin')).secret,
      tenantAdmin: (
        await key(
          'tenant_admin',
          tenants.map((t) => t.name),
        )
      ).secret,
      auditor: (await key('auditor')).secret,
      scopedAuditor: (await key('auditor', [first])).secret,
      revoked: revoked.secret,
    },
    decoyKeyIds: [...decoys.map((d) => d.key.id), revoked.key.id],
    adminIds,
  };
}
