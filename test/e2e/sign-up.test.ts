import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { chromiumForThisFile, openPage } from '../fixtures/chromium.ts';
import { codeIn, nthMail } from '../fixtures/journey.ts';
import { type RelyingParty, startRelyingParty } from '../fixtures/relying-party.ts';
import { type TestServer, dialects, startTestServer } from '../fixtures/server.ts';
import { type TestMailbox, startTestMailbox } from '../fixtures/smtp.ts';
import { createTestTenant } from '../fixtures/tenants.ts';
import { assertInputsLabelled, assertStrictCsp, collectDocuments, screenshot } from './pages.ts';

const browser = chromiumForThisFile();

const onCallback = (rp: RelyingParty) => (url: URL) => `${url.origin}${url.pathname}` === rp.redirectUri;

async function shownClaims(page: Page): Promise<Record<string, unknown>> {
  return JSON.parse((await page.locator('#claims').textContent()) ?? 'null') as Record<string, unknown>;
}

/** Fills the sign-up details form: the password twice, then the user flow's attributes by their labels. */
async function fillDetails(page: Page, password: string, confirm: string, attributes: Record<string, string>): Promise<void> {
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Confirm password').fill(confirm);
  for (const [label, value] of Object.entries(attributes)) await page.getByLabel(label).fill(value);
}

for (const dialect of dialects()) {
  describe(`sign-up in Chromium (${dialect})`, () => {
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

    it('No account? Create one → email → mailed code → password and attributes → lands at the RP verified', async (t) => {
      const rp = await startRelyingParty();
      t.after(() => rp.close());
      const tt = await createTestTenant(server, { redirectUri: rp.redirectUri });
      const { services } = server.latchkey;
      const userFlow = await services.userFlows.create({
        tenantId: tt.tenant.id,
        name: 'Sign up and sign in',
        methods: ['email_password'],
        attributes: ['displayName', 'city'],
        customAttributes: [
          { name: 'loyaltyNumber', type: 'number', required: true, label: 'Loyalty number' },
          { name: 'newsletter', type: 'boolean', required: false, label: 'Send me offers by email' },
        ],
      });
      const { app } = await services.apps.create({
        tenantId: tt.tenant.id,
        name: 'Shop',
        type: 'public',
        redirectUris: [rp.redirectUri],
        userFlowId: userFlow.id,
      });
      rp.connect(tt.issuer, app.id);
      const email = `New.Person-${randomBytes(3).toString('hex')}@Example.com`;

      const { page, problems } = await openPage(t, browser());
      const documents = collectDocuments(page, server.baseUrl);
      await page.goto(`${rp.url}/login`);
      await page.getByRole('link', { name: 'Create one' }).click();
      await page.getByRole('heading', { level: 1, name: 'Create account' }).waitFor();
      await page.getByLabel('Email address').fill(email);
      await page.getByRole('button', { name: 'Next' }).click();

      await page.getByRole('heading', { level: 1, name: 'Enter code' }).waitFor();
      assert.ok(((await page.locator('main').textContent()) ?? '').includes(email), 'the code page names the address');
      await screenshot(page, 'sign-up-enter-code');
      const mail = await nthMail(mailbox, email, 0);
      assert.match(mail.subject, /verification code/);
      await page.getByLabel('Code').fill(codeIn(mail));
      await page.getByRole('button', { name: 'Verify code' }).click();

      await page.getByRole('heading', { level: 1, name: 'Create your password' }).waitFor();
      assert.ok(((await page.locator('main').textContent()) ?? '').includes(email), 'the details page names the verified address');
      await assertInputsLabelled(page);
      assert.equal(await page.getByLabel('Loyalty number').getAttribute('required'), '', 'the required custom attribute is required in the form');
      assert.equal(await page.getByLabel('City (optional)').getAttribute('required'), null);
      await fillDetails(page, 'a fine password', 'a fine password', { 'Display name': 'New Person', City: 'Oslo', 'Loyalty number': '42' });
      await page.getByLabel('Send me offers by email').check();
      await screenshot(page, 'sign-up-details');

      // A mistyped confirmation is shown in the page; typing it again (with the attributes) goes on.
      await page.getByLabel('Confirm password').fill('a fine passwort');
      await page.getByRole('button', { name: 'Create account' }).click();
      assert.equal((await page.getByRole('alert').textContent())?.trim(), 'The passwords do not match.');
      assert.equal(await page.getByLabel('Password', { exact: true }).inputValue(), '', 'passwords are never echoed back');
      await screenshot(page, 'sign-up-details-error');
      await fillDetails(page, 'a fine password', 'a fine password', { 'Display name': 'New Person', City: 'Oslo', 'Loyalty number': '42' });
      await page.getByLabel('Send me offers by email').check();
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.waitForURL(onCallback(rp));

      const claims = await shownClaims(page);
      assert.equal(claims.iss, tt.issuer);
      assert.equal(claims.aud, app.id);
      assert.equal(claims.email, email);
      assert.equal(claims.email_verified, true);
      assert.equal(claims.name, 'New Person');
      const user = await services.deps.store.users.findByEmail(tt.tenant.id, email.toLowerCase());
      assert.equal(claims.sub, user?.id);
      assert.deepEqual(user?.attributes, { city: 'Oslo', loyaltyNumber: 42, newsletter: true });

      assertStrictCsp(documents);
      assert.deepEqual(rp.errors, []);
      assert.deepEqual(problems, []);
    });

    it('keeps the attributes the user typed when the details page shows an error', async (t) => {
      const rp = await startRelyingParty();
      t.after(() => rp.close());
      const tt = await createTestTenant(server, { redirectUri: rp.redirectUri });
      rp.connect(tt.issuer, tt.app.id);
      const email = `typo-${randomBytes(3).toString('hex')}@example.com`;
      const { page } = await openPage(t, browser());
      await page.goto(`${rp.url}/login`);
      await page.getByRole('link', { name: 'Create one' }).click();
      await page.getByLabel('Email address').fill(email);
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByLabel('Code').fill(codeIn(await nthMail(mailbox, email, 0)));
      await page.getByRole('button', { name: 'Verify code' }).click();
      await fillDetails(page, 'a fine password', 'a fine passwort', { 'Display name': 'Typo Person' });
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.getByRole('alert').waitFor();
      assert.equal(await page.getByLabel('Display name').inputValue(), 'Typo Person', 'the display name survives the error');
    });
  });
}
