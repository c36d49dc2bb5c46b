import assert from 'node:assert/strict';
import type { DialectName } from '../../../src/store/index.ts';
import { openDatabase } from '../../../src/store/dialects.ts';
import { sessionsClosed, until } from '../../fixtures/child-server.ts';
import { formFields } from '../../fixtures/http-browser.ts';
import type { Journey, Page } from '../../fixtures/journey.ts';
import { type TestServer, offsetClock, startTestServer } from '../../fixtures/server.ts';
import { type TestMailbox, startTestMailbox } from '../../fixtures/smtp.ts';
import { type TestTenant, createTestTenant } from '../../fixtures/tenants.ts';

/** The address of the user `createTestTenant` makes (typed in another case on purpose). */
export const EMAIL = 'alex.doe@example.com';

/** A new password that no blocklist or composition rule refuses. */
export const NEW_PASSWORD = 'Quartz-lantern 4 orbit';

export interface Setup {
  mailbox: TestMailbox;
  server: TestServer;
  tt: TestTenant;
  clock: ReturnType<typeof offsetClock>;
}

/** A real SMTP mailbox, a server with a movable core clock, and a tenant with one app and user. */
export async function setUp(t: { after(fn: () => Promise<void>): void }, dialect: DialectName): Promise<Setup> {
  const mailbox = await startTestMailbox();
  const clock = offsetClock();
  const server = await startTestServer({ dialect, clock, env: { LATCHKEY_SMTP_URL: mailbox.url } });
  t.after(async () => {
    await server.stop();
    await sessionsClosed(server.databaseUrl);
    await server.close();
    await mailbox.stop();
  });
  const tt = await createTestTenant(server);
  return { mailbox, server, tt, clock };
}

/** Email → Next → Forgot password? → the reset's "Enter code" page. */
export async function requestReset(journey: Journey, emailPage: Page, email: string): Promise<Page> {
  const passwordPage = await journey.submit(emailPage, '/email', { email });
  assert.match(passwordPage.html, /Forgot password\?/);
  return journey.submit(passwordPage, '/forgot');
}

/** The sign-up link of the sign-in page → Email → the sign-up's "Enter code" page. */
export async function requestSignUpCode(journey: Journey, emailPage: Page, email: string): Promise<Page> {
  const start = await journey.open(`${emailPage.url.split('?')[0]}/sign-up`);
  return journey.submit(start, '/sign-up/email', { email });
}

/** The tenant's app switched to a user flow with Email one-time passcode only (Email OTP on for all users). */
export async function passcodeApp(server: TestServer, tt: TestTenant): Promise<TestTenant> {
  const { services } = server.latchkey;
  const userFlow = await services.userFlows.create({ tenantId: tt.tenant.id, name: 'Passwordless', methods: ['email_otp'] });
  const { app } = await services.apps.create({
    tenantId: tt.tenant.id,
    name: 'Passwordless app',
    type: 'public',
    redirectUris: [tt.redirectUri],
    userFlowId: userFlow.id,
  });
  return { ...tt, app };
}

/** A code of the same length that is certainly not `code`. */
export const otherThan = (code: string) => (code === '00000000' ? '11111111' : '00000000');

/** The absolute URL of the form of `page` whose action ends with `suffix`. */
export function actionOf(server: TestServer, page: Page, suffix: string): string {
  const action = page.actions.find((a) => a.endsWith(suffix));
  assert.ok(action, `no form ending in ${suffix} on ${page.url}`);
  return new URL(action, server.baseUrl).href;
}

/**
 * POSTs `fields` to `url` with the journey's cookies and follows redirects within the server,
 * whatever the status (unlike `Journey.submit`, which insists on a 303).
 */
export async function post(journey: Journey, url: string, fields: Record<string, string>): Promise<Page> {
  const end = await journey.browser.follow(await journey.browser.post(url, fields), url, journey.server.baseUrl);
  const html = end.response.status >= 300 && end.response.status < 400 ? '' : await end.response.text();
  return { url: end.url, status: end.response.status, html, ...formFields(html) };
}

/**
 * Marks a user disabled. Why raw SQL: no admin API disables users yet; the hosted pages read the
 * `enabled` column, which is what this check is about.
 */
export async function disableUser(server: TestServer, userId: string): Promise<void> {
  const { db } = openDatabase(server.databaseUrl);
  try {
    await db.updateTable('users').set({ enabled: 0 }).where('id', '=', userId).execute();
  } finally {
    await db.destroy();
  }
}

/**
 * Waits until the outbox has recorded every mail as sent. Call it before moving the core clock:
 * the outbox worker runs on that clock too, and jumping past its 60 s lease while a send is still
 * being recorded would make it send that mail again (at-least-once delivery), which real time
 * never does.
 */
export async function allMailSent(server: TestServer): Promise<void> {
  await until(async () => (await server.latchkey.services.deps.store.outbox.pendingCount()) === 0, 'every mail to be recorded as sent');
}

/** Waits long enough for a mail that should not come to have arrived if it were sent. */
export const settle = () => new Promise((resolve) => setTimeout(resolve, 400));
