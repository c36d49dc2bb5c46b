import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testCore } from '../../../test/fixtures/core.ts';
import { DomainError, type ErrorCode } from '../errors.ts';
import { createUserService } from '../users/user-service.ts';
import { createTenantAdmin } from './tenant-admin.ts';

const failsWith = (code: ErrorCode) => (error: unknown) => error instanceof DomainError && error.code === code;

describe('tenants (admin)', () => {
  it('deletes a tenant with everything in it, only when its name is confirmed', async (t) => {
    const core = await testCore(t);
    const tenants = createTenantAdmin(core.deps);
    const { view, etag } = await tenants.create('contoso', 'Contoso', 'cli');
    const user = await createUserService(core.deps).create({ tenantId: view.id, email: 'a@x.example' });
    await assert.rejects(tenants.remove(view.id, 'fabrikam', etag, 'cli'), failsWith('confirmation_mismatch'));
    await assert.rejects(tenants.remove(view.id, 'contoso', undefined, 'cli'), failsWith('precondition_required'));
    await tenants.remove(view.id, 'contoso', etag, 'cli');
    assert.equal(await core.store.tenants.findById(view.id), undefined);
    assert.equal(await core.store.users.findById(view.id, user.id), undefined);
    assert.deepEqual(await core.store.signingKeys.listLive(view.id, core.clock.now()), []);
  });

  it('renames (display name only) and bumps the config version so providers rebuild', async (t) => {
    const core = await testCore(t);
    const tenants = createTenantAdmin(core.deps);
    const { view, etag } = await tenants.create('contoso', undefined, 'cli');
    const renamed = await tenants.rename(view.id, ' Contoso Ltd ', etag, 'cli');
    assert.deepEqual([renamed.view.name, renamed.view.displayName], ['contoso', 'Contoso Ltd']);
    assert.equal((await core.store.tenants.findById(view.id))?.configVersion, 2);
  });
});
