import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { GroupId } from '../../../src/core/ids.ts';
import { Journey, codeIn, comparable, nthMail } from '../../fixtures/journey.ts';
import { dialects, startTestServer } from '../../fixtures/server.ts';
import { startTestMailbox } from '../../fixtures/smtp.ts';
import { createTestTenant } from '../../fixtures/tenants.ts';

/** A tenant whose app uses an Email one-time passcode user flow, with Email OTP only for group "beta". */
async function setUp(t: { after(fn: () => Promise<void>): void }, dialect: 'sqlite' | 'postgres') {
  const mailbox = await startTestMailbox();
  const server = await startTestServer({ dialect, env: { LATCHKEY_SMTP_URL: mailbox.url } });
  t.after(async () => {
    await server.close();
    await mailbox.stop();
  });
  const tt = await createTestTenant(server);
  const { services } = server.latchkey;
  const { store } = services.deps;
  const userFlow = await services.userFlows.create({ tenantId: tt.tenant.id, name: 'Passwordless', methods: ['email_otp'] });
  const { app } = await services.apps.create({ tenantId: tt.tenant.id, name: 'Passwordless app', type: 'public', redirectUris: [tt.redirectUri], userFlowId: userFlow.id });
  const beta = randomUUID() as GroupId;
  await store.groups.insert({ id: beta, tenantId: tt.tenant.id, name: 'beta', createdAt: Date.now() });
  await store.groups.addMember(beta, tt.user.id);
  const outsider = await services.users.create({ tenantId: tt.tenant.id, email: 'outsider@example.com', password: 'a different secret 9' });
  await store.tenants.setPolicies(tt.tenant.id, { authMethods: { emailOtp: { enabled: true, includeTargets: [beta], excludeTargets: [] } } });
  return { mailbox, server, tt: { ...tt, app }, outsider, beta };
}

for (const dialect of dialects()) {
  describe(`passcode sign-in (${dialect})`, () => {
    it('a user within the policy targets signs in with the mailed code', async (t) => {
      const { mailbox, server, tt } = await setUp(t, dialect);
      const { journey, page } = await Journey.begin(server, tt);
      const codePage = await journey.submit(page, '/email', { email: 'alex.doe@example.com' });
      assert.match(codePage.html, /Enter code/);
      const landed = await journey.submit(codePage, '/code/verify', { code: codeIn(await nthMail(mailbox, 'alex.doe@example.com', 0)) });
      const claims = (await journey.tokens(landed)).claims();
      assert.equal(claims?.sub, tt.user.id);
      const log = await server.latchkey.services.deps.store.signInLog.list(tt.tenant.id, 5);
      assert.equal(log[0]?.method, 'email_otp');
      assert.equal(log[0]?.outcome, 'success');
    });

    it('a user outside the targets, and an unknown email, see the same page and get no code', async (t) => {
      const { mailbox, server, tt } = await setUp(t, dialect);
      const member = await Journey.begin(server, tt);
      const outsider = await Journey.begin(server, tt);
      const unknown = await Journey.begin(server, tt);
      const memberPage = await member.journey.submit(member.page, '/email', { email: 'alex.doe@example.com' });
      const outsiderPage = await outsider.journey.submit(outsider.page, '/email', { email: 'outsider@example.com' });
      const unknownPage = await unknown.journey.submit(unknown.page, '/email', { email: 'ghost@example.com' });
      const shape = (html: string, email: string) => html.replace(email, 'X');
      assert.equal(shape(comparable(outsiderPage), 'outsider@example.com'), shape(comparable(memberPage), 'alex.doe@example.com'));
      assert.equal(shape(comparable(unknownPage), 'ghost@example.com'), shape(comparable(memberPage), 'alex.doe@example.com'));
      await nthMail(mailbox, 'alex.doe@example.com', 0);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(mailbox.countFor('outsider@example.com'), 0);
      assert.equal(mailbox.countFor('ghost@example.com'), 0);
      const refused = await outsider.journey.submit(outsiderPage, '/code/verify', { code: '12345678' });
      assert.match(refused.html, /wrong or has expired/);
    });

    it('an excluded group wins over an included one, and Email OTP off removes the method', async (t) => {
      const { mailbox, server, tt, beta } = await setUp(t, dialect);
      const { store } = server.latchkey.services.deps;
      await store.tenants.setPolicies(tt.tenant.id, { authMethods: { emailOtp: { enabled: true, includeTargets: ['all_users'], excludeTargets: [beta] } } });
      const excluded = await Journey.begin(server, tt);
      await excluded.journey.submit(excluded.page, '/email', { email: 'alex.doe@example.com' });
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(mailbox.countFor('alex.doe@example.com'), 0);

      await store.tenants.setPolicies(tt.tenant.id, { authMethods: { emailOtp: { enabled: false, includeTargets: ['all_users'], excludeTargets: [] } } });
      const off = await Journey.begin(server, tt);
      const response = await off.journey.browser.post(new URL(off.page.actions[0] ?? '', server.baseUrl).href, { flow: off.page.flow, csrf: off.page.csrf, email: 'alex.doe@example.com' });
      assert.equal(response.status, 400, 'no passcode sign-in while Email OTP is off');
    });
  });
}
