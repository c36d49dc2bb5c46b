import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { createServices } from '../../src/services.ts';
import { assertNoStack, parseJsonError, sandbox } from './cli-sandbox.ts';

interface FlowJson {
  id: string;
  name: string;
  methods: string[];
  ssprEnabled: boolean;
  appIds: string[];
}
interface AuthMethodsJson {
  emailOtp: { enabled: boolean; includeTargets: string[]; excludeTargets: string[] };
}

describe('latchkey userflow and policy (the admin API services from the command line)', () => {
  it('creates a user flow used by an app, and turns Email OTP off and on for all users', async (t) => {
    const cli = await sandbox(t);
    await cli.json(['tenant', 'create', 'contoso']);
    const app = await cli.json<{ clientId: string }>(['app', 'create', '--tenant', 'contoso', '--name', 'Web', '--redirect-uri', 'https://web.example/cb']);
    const flow = await cli.json<FlowJson>([
      'userflow',
      'create',
      '--tenant',
      'contoso',
      '--name',
      'Sign up and sign in',
      '--method',
      'password',
      '--app',
      app.clientId,
    ]);
    assert.deepEqual([flow.methods, flow.ssprEnabled, flow.appIds], [['email_password'], true, [app.clientId]]);
    const listed = await cli.json<FlowJson[]>(['userflow', 'list', '--tenant', 'contoso']);
    assert.deepEqual(
      listed.map((f) => f.id),
      [flow.id],
    );

    const off = await cli.json<AuthMethodsJson>(['policy', 'email-otp', '--tenant', 'contoso', '--disable']);
    assert.equal(off.emailOtp.enabled, false);
    const on = await cli.json<AuthMethodsJson>(['policy', 'email-otp', '--tenant', 'contoso', '--enable', '--include', 'all_users']);
    assert.deepEqual(on.emailOtp, { enabled: true, includeTargets: ['all_users'], excludeTargets: [] });

    const services = await createServices(loadConfig(cli.env));
    try {
      const tenant = await services.tenants.getByName('contoso');
      const actions = (await services.deps.store.auditLog.list(tenant.id, 10)).filter((e) => e.actor === 'cli').map((e) => e.action);
      assert.deepEqual(actions.sort(), ['app.user_flow_linked', 'policy.auth_methods.updated', 'policy.auth_methods.updated', 'user_flow.created'].sort());
    } finally {
      await services.close();
    }
  });

  it('refuses an unknown group and an unknown method, with the error code and no stack', async (t) => {
    const cli = await sandbox(t);
    await cli.json(['tenant', 'create', 'contoso']);
    const unknownGroup = await cli.run(['policy', 'email-otp', '--tenant', 'contoso', '--enable', '--include', 'no-such-group', '--json']);
    assert.deepEqual([unknownGroup.code, parseJsonError(unknownGroup.stderr).code], [1, 'invalid_policy']);
    assertNoStack(unknownGroup.stderr);
    const badMethod = await cli.run(['userflow', 'create', '--tenant', 'contoso', '--name', 'x', '--method', 'sms', '--json']);
    assert.equal(badMethod.code, 2);
    assertNoStack(badMethod.stderr);
  });
});
