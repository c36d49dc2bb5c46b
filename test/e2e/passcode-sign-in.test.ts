import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import type { GroupId } from '../../src/core/ids.ts';
import { chromiumForThisFile, openPage } from '../fixtures/chromium.ts';
import { codeIn, nthMail } from '../fixtures/journey.ts';
import { type RelyingParty, startRelyingParty } from '../fixtures/relying-party.ts';
import { type TestServer, dialects, startTestServer } from '../fixtures/server.ts';
import { type TestMailbox, startTestMailbox } from '../fixtures/smtp.ts';
import { createTestTenant } from '../fixtures/tenants.ts';
import { assertInputsLabelled, assertStrictCsp, collectDocuments, mainTextWithout, screenshot } from './pages.ts';

const browser = chromiumForThisFile();

const onCallback = (rp: RelyingParty) => (url: URL) => `${url.origin}${url.pathname}` === rp.redirectUri;

/**
 * A tenant whose app (the RP) uses an *Email one-time passcode* user flow, with Email OTP
 * included for group G only: `member` is in G, `outsider` is not.
 */
async function passwordlessTenant(t: TestContext, server: TestServer) {
  const rp = await startRelyingParty();
  t.after(() => rp.close());
  const suffix = randomBytes(3).toString('hex');
  const member = `member-${suffix}@example.com`;
  const tt = await createTestTenant(server, { redirectUri: rp.redirectUri, email: member });
  const { services } = server.latchkey;
  const { store } = services.deps;
  const userFlow = await services.userFlows.create({ tenantId: tt.tenant.id, name: 'Passwordless', methods: ['email_otp'] });
  const { app } = await services.apps.create({
    tenantId: tt.tenant.id,
    name: 'Passwordless app',
    type: 'public',
    redirectUris: [rp.redirectUri],
    userFlowId: userFlow.id,
  });
  rp.connect(tt.issuer, app.id);
  const groupG = randomUUID() as GroupId;
  await store.groups.insert({ id: groupG, tenantId: tt.tenant.id, name: 'G', createdAt: Date.now() });
  await store.groups.addMember(groupG, tt.user.id);
  const outsider = `outsider-${suffix}@example.com`;
  await services.users.create({ tenantId: tt.tenant.id, email: outsider, password: 'outsider password' });
  await store.tenants.setPolicies(tt.tenant.id, { authMethods: { emailOtp: { enabled: true, includeTargets: [groupG], excludeTargets: [] } } });
  return { rp, tt: { ...tt, app }, member, outsider };
}

/** From the RP: Email address → Next, which for this user flow leads straight to Enter code. */
async function requestCode(page: Page, rp: RelyingParty, email: string): Promise<void> {
  await page.goto(`${rp.url}/login`);
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('heading', { level: 1, name: 'Enter code' }).waitFor();
}

for (const dialect of dialects()) {
  describe(`passcode sign-in in Chromium (${dialect})`, () => {
    let server: TestServer;
    let mailbox: TestMailbox;
    before(async () => {
      mailbox = await startTestMailbox();
      server = await startTestServer({ dialect, env: { LATCHKEY_SMTP_URL: mailbox.url } });
    });
    after(async () => {
      await server?.close();
      await mailbox?.stop();
    });

    it('signs a targeted user in with the mailed code, no password asked', async (t) => {
      const { rp, tt, member } = await passwordlessTenant(t, server);
      const { page, problems } = await openPage(t, browser());
      const documents = collectDocuments(page, server.baseUrl);
      await requestCode(page, rp, member);
      assert.equal(await page.getByLabel('Password').count(), 0, 'no password field on the way');
      await assertInputsLabelled(page);
      await screenshot(page, 'passcode-enter-code');

      const mail = await nthMail(mailbox, member, 0);
      assert.match(mail.subject, /sign-in code/);
      await page.getByLabel('Code').fill(codeIn(mail));
      await page.getByRole('button', { name: 'Verify code' }).click();
      await page.waitForURL(onCallback(rp));

      const claims = JSON.parse((await page.locator('#claims').textContent()) ?? 'null') as Record<string, unknown>;
      assert.equal(claims.iss, tt.issuer);
      assert.equal(claims.aud, tt.app.id);
      assert.equal(claims.sub, tt.user.id);
      assert.equal(claims.email, member);
      const log = await server.latchkey.services.deps.store.signInLog.list(tt.tenant.id, 5);
      assert.equal(log[0]?.method, 'email_otp');
      assert.equal(log[0]?.outcome, 'success');

      assertStrictCsp(documents);
      assert.deepEqual(rp.errors, []);
      assert.deepEqual(problems, []);
    });

    it('shows a user outside the policy targets the same Enter code page, but mails nothing', async (t) => {
      const { rp, member, outsider } = await passwordlessTenant(t, server);
      const outsiderPage = await openPage(t, browser());
      await requestCode(outsiderPage.page, rp, outsider);
      const memberPage = await openPage(t, browser());
      await requestCode(memberPage.page, rp, member);
      assert.equal(await mainTextWithout(outsiderPage.page, outsider), await mainTextWithout(memberPage.page, member), 'word for word the same page');

      // The member's code was queued after the outsider's request: once it is here, nothing else is coming.
      await nthMail(mailbox, member, 0);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(mailbox.countFor(outsider), 0, 'no mail to the user outside the targets');

      await outsiderPage.page.getByLabel('Code').fill('12345678');
      await outsiderPage.page.getByRole('button', { name: 'Verify code' }).click();
      assert.match((await outsiderPage.page.getByRole('alert').textContent()) ?? '', /wrong or has expired/);
      assert.deepEqual(rp.errors, []);
      assert.deepEqual([...outsiderPage.problems, ...memberPage.problems], []);
    });
  });
}
