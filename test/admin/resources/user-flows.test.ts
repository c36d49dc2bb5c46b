import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adminCaller } from '../../fixtures/admin.ts';
import { dialects } from '../../fixtures/server.ts';
import { readThenWrite, suiteWorld, tenantWithAdmin } from './support.ts';

for (const dialect of dialects()) {
  describe(`admin API: user flows and custom attributes (${dialect})`, () => {
    const world = suiteWorld(dialect);

    it('creates, reads with an ETag, changes with If-Match and lists user flows', async () => {
      const { call, base } = await tenantWithAdmin(world());
      const created = await call('POST', `${base}/user-flows`, {
        name: 'Customers',
        methods: ['email_password', 'email_otp'],
        attributes: ['displayName', 'city'],
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.deepEqual(
        { ...created.body, id: undefined, createdAt: undefined },
        {
          name: 'Customers',
          methods: ['email_password', 'email_otp'],
          attributes: ['displayName', 'city'],
          ssprEnabled: true,
          appIds: [],
          id: undefined,
          createdAt: undefined,
        },
      );
      const path = `${base}/user-flows/${created.body.id}`;
      assert.equal(created.headers.get('location'), path);
      const read = await call('GET', path);
      assert.equal(read.headers.get('etag'), created.headers.get('etag'));
      const changed = await readThenWrite(call, 'PATCH', path, () => ({ name: 'Everyone', ssprEnabled: false }));
      assert.equal(changed.status, 200);
      assert.equal(changed.body.name, 'Everyone');
      assert.notEqual(changed.headers.get('etag'), read.headers.get('etag'));
      const list = await call('GET', `${base}/user-flows?limit=1`);
      assert.deepEqual([list.status, list.body.items.length, list.body.nextCursor], [200, 1, null]);
    });

    it('answers a stale If-Match with 412 and a missing one with 428, changing nothing', async () => {
      const { call, base } = await tenantWithAdmin(world());
      const created = await call('POST', `${base}/user-flows`, { name: 'Customers', methods: ['email_password'] });
      const path = `${base}/user-flows/${created.body.id}`;
      const stale = created.headers.get('etag') as string;
      assert.equal((await call('PATCH', path, { name: 'First' }, { 'if-match': stale })).status, 200);
      const lost = await call('PATCH', path, { name: 'Second' }, { 'if-match': stale });
      assert.deepEqual([lost.status, lost.body.error.code], [412, 'precondition_failed']);
      const blind = await call('PATCH', path, { name: 'Third' });
      assert.deepEqual([blind.status, blind.body.error.code], [428, 'precondition_required']);
      assert.equal((await call('GET', path)).body.name, 'First');
    });

    it('refuses contradictions: no method, SSPR without Email with password (422)', async () => {
      const { call, base } = await tenantWithAdmin(world());
      const none = await call('POST', `${base}/user-flows`, { name: 'x', methods: [] });
      assert.deepEqual([none.status, none.body.error.code], [422, 'user_flow_needs_method']);
      const sspr = await call('POST', `${base}/user-flows`, { name: 'x', methods: ['email_otp'], ssprEnabled: true });
      assert.deepEqual([sspr.status, sspr.body.error.code], [422, 'sspr_needs_password']);
      const created = await call('POST', `${base}/user-flows`, { name: 'x', methods: ['email_password'] });
      const drop = await readThenWrite(call, 'PATCH', `${base}/user-flows/${created.body.id}`, () => ({ methods: ['email_otp'] }));
      assert.deepEqual([drop.status, drop.body.error.code], [422, 'sspr_needs_password']);
    });

    it('links an app to one flow at a time; a flow in use cannot be deleted (409) until unlinked', async () => {
      const { call, base, tt } = await tenantWithAdmin(world());
      const a = await call('POST', `${base}/user-flows`, { name: 'A', methods: ['email_password'] });
      const b = await call('POST', `${base}/user-flows`, { name: 'B', methods: ['email_otp'] });
      assert.deepEqual((await call('PUT', `${base}/user-flows/${a.body.id}/apps/${tt.app.id}`)).body.appIds, [tt.app.id]);
      assert.deepEqual((await call('PUT', `${base}/user-flows/${b.body.id}/apps/${tt.app.id}`)).body.appIds, [tt.app.id]);
      assert.deepEqual((await call('GET', `${base}/user-flows/${a.body.id}`)).body.appIds, []);
      const inUse = await readThenWrite(call, 'DELETE', `${base}/user-flows/${b.body.id}`, () => undefined);
      assert.deepEqual([inUse.status, inUse.body.error.code], [409, 'user_flow_in_use']);
      assert.deepEqual((await call('DELETE', `${base}/user-flows/${b.body.id}/apps/${tt.app.id}`)).body.appIds, []);
      assert.equal((await readThenWrite(call, 'DELETE', `${base}/user-flows/${b.body.id}`, () => undefined)).status, 204);
      assert.equal((await call('GET', `${base}/user-flows/${b.body.id}`)).status, 404);
    });

    it('collects custom attributes by name, and refuses to delete one still collected (409)', async () => {
      const { call, base } = await tenantWithAdmin(world());
      const attr = await call('POST', `${base}/custom-attributes`, { name: 'loyaltyId', type: 'string', required: true, label: 'Loyalty number' });
      assert.equal(attr.status, 201, JSON.stringify(attr.body));
      const unknown = await call('POST', `${base}/user-flows`, { name: 'x', methods: ['email_password'], attributes: ['shoeSize'] });
      assert.deepEqual([unknown.status, unknown.body.error.code], [422, 'unknown_attribute']);
      const flow = await call('POST', `${base}/user-flows`, { name: 'x', methods: ['email_password'], attributes: ['displayName', 'loyaltyId'] });
      assert.deepEqual(flow.body.attributes, ['displayName', 'loyaltyId']);
      const refused = await readThenWrite(call, 'DELETE', `${base}/custom-attributes/loyaltyId`, () => undefined);
      assert.deepEqual([refused.status, refused.body.error.code], [409, 'attribute_in_use']);
      await readThenWrite(call, 'PATCH', `${base}/user-flows/${flow.body.id}`, () => ({ attributes: ['displayName'] }));
      assert.equal((await readThenWrite(call, 'DELETE', `${base}/custom-attributes/loyaltyId`, () => undefined)).status, 204);
    });

    it('writes every change to the audit log with the caller as actor', async () => {
      const { call, base, tt } = await tenantWithAdmin(world());
      const created = await call('POST', `${base}/user-flows`, { name: 'Audited', methods: ['email_password'] });
      const log = await world().server.latchkey.services.deps.store.auditLog.list(tt.tenant.id, 5);
      const entry = log.find((e) => e.action === 'user_flow.created');
      assert.equal(entry?.target, created.body.id);
      assert.match(entry?.actor ?? '', /^api_key:/);
    });

    it('lets an auditor read but not write (403)', async () => {
      const { call, base, tt } = await tenantWithAdmin(world());
      const auditor = await adminCaller(world().server, { role: 'auditor', tenants: [tt.tenant.name] });
      assert.equal((await auditor('GET', `${base}/user-flows`)).status, 200);
      assert.equal((await auditor('POST', `${base}/user-flows`, { name: 'x', methods: ['email_password'] })).status, 403);
      assert.equal((await call('GET', `${base}/user-flows`)).status, 200);
    });
  });
}
