import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { UserFlowId } from '../../../src/core/ids.ts';
import { Journey, codeIn, comparable, nthMail } from '../../fixtures/journey.ts';
import { dialects, startTestServer } from '../../fixtures/server.ts';
import { startTestMailbox } from '../../fixtures/smtp.ts';
import { createTestTenant } from '../../fixtures/tenants.ts';

async function setUp(t: { after(fn: () => Promise<void>): void }, dialect: 'sqlite' | 'postgres') {
  const mailbox = await startTestMailbox();
  const server = await startTestServer({ dialect, env: { LATCHKEY_SMTP_URL: mailbox.url } });
  t.after(async () => {
    await server.close();
    await mailbox.stop();
  });
  const tt = await createTestTenant(server);
  return { mailbox, server, tt };
}

for (const dialect of dialects()) {
  describe(`sign-up (${dialect})`, () => {
    it('verifies the email with a code, collects the user flow attributes and lands in the app signed in', async (t) => {
      const { mailbox, server, tt } = await setUp(t, dialect);
      const { services } = server.latchkey;
      const userFlow = await services.userFlows.create({
        tenantId: tt.tenant.id,
        name: 'Sign up and sign in',
        methods: ['email_password'],
        attributes: ['displayName', 'city'],
        customAttributes: [{ name: 'loyaltyNumber', type: 'number', required: true, label: 'Loyalty number' }],
      });
      const { app } = await services.apps.create({ tenantId: tt.tenant.id, name: 'Shop', type: 'public', redirectUris: [tt.redirectUri], userFlowId: userFlow.id as UserFlowId });
      const { journey, page } = await Journey.begin(server, { ...tt, app });
      assert.match(page.html, /No account\?/);
      const start = await journey.open(page.html.match(/href="([^"]*\/sign-up)"/)?.[1] ?? '');
      const codePage = await journey.submit(start, '/sign-up/email', { email: 'New.Person@Example.com' });
      assert.match(codePage.html, /Enter code/);
      const mail = await nthMail(mailbox, 'new.person@example.com', 0);
      let details = await journey.submit(codePage, '/sign-up/code', { code: codeIn(mail) });
      assert.match(details.html, /Confirm password/);
      assert.match(details.html, /Loyalty number/);
      details = await journey.submit(details, '/sign-up/details', { password: 'a fine password', confirm: 'a fine password', displayName: 'New Person', city: 'Oslo' });
      assert.match(details.html, /Loyalty number is required/);
      const landed = await journey.submit(details, '/sign-up/details', {
        password: 'a fine password',
        confirm: 'a fine password',
        displayName: 'New Person',
        city: 'Oslo',
        loyaltyNumber: '42',
      });
      const claims = (await journey.tokens(landed)).claims();
      assert.equal(claims?.email, 'New.Person@Example.com');
      assert.equal(claims?.email_verified, true);
      assert.equal(claims?.name, 'New Person');
      const user = await services.deps.store.users.findByEmail(tt.tenant.id, 'new.person@example.com');
      assert.deepEqual(user?.attributes, { city: 'Oslo', loyaltyNumber: 42 });
      const audit = await services.deps.store.auditLog.list(tt.tenant.id, 10);
      assert.ok(audit.some((e) => e.action === 'sign_up' && e.target === `user:${user?.id}`));
    });

    it('an existing address gets the same next step, and its owner a notice instead of a code', async (t) => {
      const { mailbox, server, tt } = await setUp(t, dialect);
      const first = await Journey.begin(server, tt);
      const second = await Journey.begin(server, tt);
      const existing = await first.journey.submit(await first.journey.open(`${first.page.url.split('?')[0]}/sign-up`), '/sign-up/email', { email: 'alex.doe@example.com' });
      const fresh = await second.journey.submit(await second.journey.open(`${second.page.url.split('?')[0]}/sign-up`), '/sign-up/email', { email: 'someone.new@example.com' });
      assert.equal(existing.status, fresh.status);
      assert.equal(comparable(existing).replace('alex.doe@example.com', 'X'), comparable(fresh).replace('someone.new@example.com', 'X'));
      const notice = await nthMail(mailbox, 'alex.doe@example.com', 0);
      assert.doesNotMatch(notice.text, /\b\d{8}\b/, 'the notice carries no code');
      const wrong = await first.journey.submit(existing, '/sign-up/code', { code: '12345678' });
      assert.match(wrong.html, /wrong or has expired/);
    });
  });
}
