import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testCore } from '../../../test/fixtures/core.ts';
import { createAppService } from '../apps/app-service.ts';
import { DomainError, type ErrorCode } from '../errors.ts';
import { createTenantService } from '../tenants/tenant-service.ts';
import { createCustomAttributeAdmin } from './custom-attribute-admin.ts';
import { createUserFlowAdmin } from './user-flow-admin.ts';

const failsWith = (code: ErrorCode) => (error: unknown) => error instanceof DomainError && error.code === code;

async function setup(t: { after(fn: () => Promise<void>): void }) {
  const core = await testCore(t);
  const tenant = await createTenantService(core.deps).create('contoso');
  const { app } = await createAppService(core.deps).create({ tenantId: tenant.id, name: 'Web', type: 'public', redirectUris: ['https://web.example/cb'] });
  return { ...core, tenant, app, flows: createUserFlowAdmin(core.deps), attributes: createCustomAttributeAdmin(core.deps) };
}

describe('user flows (admin)', () => {
  it('creates a flow with SSPR on by default when it has Email with password, and audits it', async (t) => {
    const { flows, tenant, store } = await setup(t);
    const { view, etag } = await flows.create(tenant.id, { name: ' Customers ', methods: ['email_password'] }, 'admin:a1');
    assert.deepEqual(
      { name: view.name, ssprEnabled: view.ssprEnabled, attributes: view.attributes, appIds: view.appIds },
      { name: 'Customers', ssprEnabled: true, attributes: ['displayName'], appIds: [] },
    );
    assert.match(etag, /^"[\w-]{27}"$/);
    const [entry] = await store.auditLog.list(tenant.id, 5);
    assert.deepEqual(
      { actor: entry?.actor, action: entry?.action, target: entry?.target, before: entry?.details.before },
      { actor: 'admin:a1', action: 'user_flow.created', target: view.id, before: null },
    );
  });

  it('refuses a flow with no method and SSPR without Email with password', async (t) => {
    const { flows, tenant } = await setup(t);
    await assert.rejects(flows.create(tenant.id, { name: 'x', methods: [] }, 'cli'), failsWith('user_flow_needs_method'));
    await assert.rejects(flows.create(tenant.id, { name: 'x', methods: ['email_otp'], ssprEnabled: true }, 'cli'), failsWith('sspr_needs_password'));
    const { view, etag } = await flows.create(tenant.id, { name: 'x', methods: ['email_password'] }, 'cli');
    await assert.rejects(flows.update(tenant.id, view.id, { methods: ['email_otp'] }, etag, 'cli'), failsWith('sspr_needs_password'));
    await assert.rejects(flows.update(tenant.id, view.id, { methods: [] }, etag, 'cli'), failsWith('user_flow_needs_method'));
  });

  it('updates only with the current ETag: none is precondition_required, a stale one precondition_failed', async (t) => {
    const { flows, tenant } = await setup(t);
    const { view, etag } = await flows.create(tenant.id, { name: 'x', methods: ['email_password'] }, 'cli');
    await assert.rejects(flows.update(tenant.id, view.id, { name: 'y' }, undefined, 'cli'), failsWith('precondition_required'));
    const updated = await flows.update(tenant.id, view.id, { name: 'y' }, etag, 'cli');
    assert.notEqual(updated.etag, etag);
    await assert.rejects(flows.update(tenant.id, view.id, { name: 'z' }, etag, 'cli'), failsWith('precondition_failed'));
    assert.equal((await flows.get(tenant.id, view.id)).view.name, 'y');
  });

  it('lets exactly one of two concurrent writes with the same ETag win', async (t) => {
    const { flows, tenant } = await setup(t);
    const { view, etag } = await flows.create(tenant.id, { name: 'x', methods: ['email_password'] }, 'cli');
    const results = await Promise.allSettled([
      flows.update(tenant.id, view.id, { name: 'a' }, etag, 'cli'),
      flows.update(tenant.id, view.id, { name: 'b' }, etag, 'cli'),
    ]);
    assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
    assert.ok(failsWith('precondition_failed')(results.find((r) => r.status === 'rejected')?.reason));
  });

  it('links an app to one flow at a time and refuses to delete a flow still in use', async (t) => {
    const { flows, tenant, app } = await setup(t);
    const first = await flows.create(tenant.id, { name: 'first', methods: ['email_password'] }, 'cli');
    const second = await flows.create(tenant.id, { name: 'second', methods: ['email_otp'] }, 'cli');
    assert.deepEqual((await flows.setApp(tenant.id, first.view.id, app.id, true, 'cli')).view.appIds, [app.id]);
    assert.deepEqual((await flows.setApp(tenant.id, second.view.id, app.id, true, 'cli')).view.appIds, [app.id]);
    const firstNow = await flows.get(tenant.id, first.view.id);
    assert.deepEqual(firstNow.view.appIds, []);
    const secondNow = await flows.get(tenant.id, second.view.id);
    await assert.rejects(flows.remove(tenant.id, second.view.id, secondNow.etag, 'cli'), failsWith('user_flow_in_use'));
    await flows.remove(tenant.id, first.view.id, firstNow.etag, 'cli');
    await assert.rejects(flows.get(tenant.id, first.view.id), failsWith('user_flow_not_found'));
  });

  it('collects built-in and defined custom attributes by name, and refuses unknown names', async (t) => {
    const { flows, attributes, tenant, store } = await setup(t);
    await attributes.create(tenant.id, { name: 'loyaltyId', type: 'string', required: true, label: 'Loyalty number' }, 'cli');
    const { view } = await flows.create(tenant.id, { name: 'x', methods: ['email_password'], attributes: ['displayName', 'city', 'loyaltyId'] }, 'cli');
    assert.deepEqual(view.attributes, ['displayName', 'city', 'loyaltyId']);
    const stored = await store.userFlows.findById(tenant.id, view.id);
    assert.deepEqual(stored?.customAttributes, [{ name: 'loyaltyId', type: 'string', required: true, label: 'Loyalty number' }]);
    await assert.rejects(flows.create(tenant.id, { name: 'y', methods: ['email_password'], attributes: ['shoeSize'] }, 'cli'), failsWith('unknown_attribute'));
  });
});

describe('custom attributes (admin)', () => {
  it('refuses to delete an attribute a flow still collects, then deletes it once none does', async (t) => {
    const { flows, attributes, tenant } = await setup(t);
    const attr = await attributes.create(tenant.id, { name: 'loyaltyId', type: 'string', required: false, label: 'Loyalty' }, 'cli');
    const flow = await flows.create(tenant.id, { name: 'x', methods: ['email_password'], attributes: ['loyaltyId'] }, 'cli');
    await assert.rejects(attributes.remove(tenant.id, 'loyaltyId', attr.etag, 'cli'), failsWith('attribute_in_use'));
    await flows.update(tenant.id, flow.view.id, { attributes: ['displayName'] }, flow.etag, 'cli');
    await attributes.remove(tenant.id, 'loyaltyId', attr.etag, 'cli');
    assert.deepEqual(await attributes.list(tenant.id), []);
  });

  it('refreshes the copy in the flows that collect it when it changes', async (t) => {
    const { flows, attributes, tenant, store } = await setup(t);
    const attr = await attributes.create(tenant.id, { name: 'loyaltyId', type: 'string', required: false, label: 'Loyalty' }, 'cli');
    const flow = await flows.create(tenant.id, { name: 'x', methods: ['email_password'], attributes: ['loyaltyId'] }, 'cli');
    await attributes.update(tenant.id, 'loyaltyId', { required: true, label: 'Loyalty card' }, attr.etag, 'cli');
    assert.deepEqual((await store.userFlows.findById(tenant.id, flow.view.id))?.customAttributes, [
      { name: 'loyaltyId', type: 'string', required: true, label: 'Loyalty card' },
    ]);
  });

  it('refuses a built-in or malformed name and a duplicate', async (t) => {
    const { attributes, tenant } = await setup(t);
    await assert.rejects(attributes.create(tenant.id, { name: 'city', type: 'string', required: false, label: 'x' }, 'cli'), failsWith('invalid_input'));
    await assert.rejects(attributes.create(tenant.id, { name: '9lives', type: 'string', required: false, label: 'x' }, 'cli'), failsWith('invalid_input'));
    await attributes.create(tenant.id, { name: 'tier', type: 'number', required: false, label: 'Tier' }, 'cli');
    await assert.rejects(attributes.create(tenant.id, { name: 'tier', type: 'string', required: false, label: 'x' }, 'cli'), failsWith('attribute_exists'));
  });
});
