import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codeIn, Journey, nthMail } from '../../fixtures/journey.ts';
import { dialects } from '../../fixtures/server.ts';
import { readThenWrite, suiteWorld, tenantWithAdmin } from './support.ts';

for (const dialect of dialects()) {
  describe(`the demo seed's admin steps, through the admin API (${dialect})`, () => {
    const world = suiteWorld(dialect);

    it('a user flow with Email with password and Email OTP for All users let a customer reset a password (SSPR)', async () => {
      const { call, base, tt, email } = await tenantWithAdmin(world());
      // Start from Email OTP off, so the test shows the admin step is what turns SSPR on.
      await readThenWrite(call, 'PUT', `${base}/policies/auth-methods`, () => ({
        emailOtp: { enabled: false, includeTargets: ['all_users'], excludeTargets: [] },
      }));

      // Step 1: the "Sign up and sign in" user flow, used by the app.
      const flow = await call('POST', `${base}/user-flows`, {
        name: 'Sign up and sign in',
        methods: ['email_password'],
        attributes: ['displayName'],
        ssprEnabled: true,
      });
      assert.equal(flow.status, 201, JSON.stringify(flow.body));
      assert.equal((await call('PUT', `${base}/user-flows/${flow.body.id}/apps/${tt.app.id}`)).status, 200);
      const early = await Journey.begin(world().server, tt);
      assert.doesNotMatch((await early.journey.submit(early.page, '/email', { email })).html, /Forgot password\?/, 'no SSPR while Email OTP is off');

      // Step 2: Email OTP for All users.
      const policy = await readThenWrite(call, 'PUT', `${base}/policies/auth-methods`, () => ({
        emailOtp: { enabled: true, includeTargets: ['all_users'], excludeTargets: [] },
      }));
      assert.equal(policy.status, 200, JSON.stringify(policy.body));

      // The customer: Forgot password? → code → new password → back in the app, signed in.
      const { journey, page } = await Journey.begin(world().server, tt);
      const passwordPage = await journey.submit(page, '/email', { email });
      assert.match(passwordPage.html, /Forgot password\?/);
      const codePage = await journey.submit(passwordPage, '/forgot');
      assert.match(codePage.html, /Enter code/);
      const newPassword = await journey.submit(codePage, '/reset/code', { code: codeIn(await nthMail(world().mailbox, email, 0)) });
      assert.match(newPassword.html, /New password/);
      const landed = await journey.submit(newPassword, '/reset/password', { password: 'a brand new secret 7', confirm: 'a brand new secret 7' });
      assert.equal((await journey.tokens(landed)).claims()?.sub, tt.user.id);

      // The new password signs in; the admin steps are in the audit log.
      const again = await Journey.begin(world().server, tt);
      const signedIn = await again.journey.submit(await again.journey.submit(again.page, '/email', { email }), '/password', {
        password: 'a brand new secret 7',
      });
      assert.ok(again.journey.reachedApp(signedIn));
      const actions = (await world().server.latchkey.services.deps.store.auditLog.list(tt.tenant.id, 20)).map((e) => e.action);
      for (const action of ['user_flow.created', 'app.user_flow_linked', 'policy.auth_methods.updated', 'password_reset'])
        assert.ok(actions.includes(action), `${action} in ${actions.join(', ')}`);
    });
  });
}
