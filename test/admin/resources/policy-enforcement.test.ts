import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AdminCall } from '../../fixtures/admin.ts';
import { Journey, nthMail } from '../../fixtures/journey.ts';
import { dialects } from '../../fixtures/server.ts';
import type { TestTenant } from '../../fixtures/tenants.ts';
import { type ResourceWorld, readThenWrite, suiteWorld, tenantWithAdmin } from './support.ts';

const FORGOT = /Forgot password\?/;
const USE_CODE = /Email me a one-time code instead/;

/** A user flow made through the admin API, with the tenant's app linked to it. */
async function flowForApp(call: AdminCall, base: string, tt: TestTenant, body: Record<string, unknown>) {
  const flow = await call('POST', `${base}/user-flows`, { name: 'Customers', ...body });
  assert.equal(flow.status, 201, JSON.stringify(flow.body));
  assert.equal((await call('PUT', `${base}/user-flows/${flow.body.id}/apps/${tt.app.id}`)).status, 200);
}

async function setEmailOtp(call: AdminCall, base: string, emailOtp: Record<string, unknown>) {
  const answer = await readThenWrite(call, 'PUT', `${base}/policies/auth-methods`, () => ({ emailOtp }));
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
}

/** A second user, and a group (made through the admin API) holding only the tenant's first user. */
async function groupWithFirstUser(world: ResourceWorld, call: AdminCall, base: string, tt: TestTenant) {
  const outsider = `out-${tt.user.email}`;
  await world.server.latchkey.services.users.create({ tenantId: tt.tenant.id, email: outsider, password: 'another secret 42' });
  const group = await call('POST', `${base}/groups`, { name: 'beta' });
  assert.equal((await call('PUT', `${base}/groups/${group.body.id}/members/${tt.user.id}`)).status, 204);
  return { groupId: group.body.id as string, outsider };
}

/** The password page of a journey for `email`. */
async function passwordPage(world: ResourceWorld, tt: TestTenant, email: string) {
  const { journey, page } = await Journey.begin(world.server, tt);
  return { journey, page: await journey.submit(page, '/email', { email }) };
}

/** Asks for a sign-in code from the password page; true when a mail reached `email`. */
async function codeMailed(world: ResourceWorld, tt: TestTenant, email: string): Promise<boolean> {
  const { journey, page } = await passwordPage(world, tt, email);
  assert.match(page.html, USE_CODE);
  const codePage = await journey.submit(page, '/use-code');
  assert.match(codePage.html, /Enter code/);
  try {
    await nthMail(world.mailbox, email, 0, 1500);
    return true;
  } catch {
    return false;
  }
}

for (const dialect of dialects()) {
  describe(`policies set through the admin API apply to the hosted pages (${dialect})`, () => {
    const world = suiteWorld(dialect);

    it('Email OTP disabled: no passcode sign-in and no "Forgot password?"', async () => {
      const { call, base, tt, email } = await tenantWithAdmin(world());
      await flowForApp(call, base, tt, { methods: ['email_password', 'email_otp'] });
      const before = await passwordPage(world(), tt, email);
      assert.match(before.page.html, FORGOT);
      assert.match(before.page.html, USE_CODE);
      await setEmailOtp(call, base, { enabled: false, includeTargets: ['all_users'], excludeTargets: [] });
      const after = await passwordPage(world(), tt, email);
      assert.doesNotMatch(after.page.html, FORGOT);
      assert.doesNotMatch(after.page.html, USE_CODE);
      const forced = await after.journey.browser.post(
        new URL(`${after.page.actions.find((a) => a.endsWith('/password'))?.replace(/\/password$/, '')}/forgot`, world().server.baseUrl).href,
        { flow: after.page.flow, csrf: after.page.csrf },
      );
      assert.equal(forced.status, 400, 'posting to /forgot anyway is refused');
    });

    it('Email OTP for group G only: members get a code; others see the same page and get none', async () => {
      const { call, base, tt, email } = await tenantWithAdmin(world());
      await flowForApp(call, base, tt, { methods: ['email_password', 'email_otp'] });
      const { groupId, outsider } = await groupWithFirstUser(world(), call, base, tt);
      await setEmailOtp(call, base, { enabled: true, includeTargets: [groupId], excludeTargets: [] });
      assert.equal(await codeMailed(world(), tt, email), true, 'the member gets a code');
      assert.equal(await codeMailed(world(), tt, outsider), false, 'the outsider gets none');
    });

    it('an excluded group wins over an included one', async () => {
      const { call, base, tt, email } = await tenantWithAdmin(world());
      await flowForApp(call, base, tt, { methods: ['email_password', 'email_otp'] });
      const { groupId, outsider } = await groupWithFirstUser(world(), call, base, tt);
      await setEmailOtp(call, base, { enabled: true, includeTargets: ['all_users'], excludeTargets: [groupId] });
      assert.equal(await codeMailed(world(), tt, email), false, 'the excluded member gets none');
      assert.equal(await codeMailed(world(), tt, outsider), true, 'everyone else does');
    });

    it('a flow without Email with password, or with SSPR off, offers no "Forgot password?"', async () => {
      const { call, base, tt, email } = await tenantWithAdmin(world());
      await flowForApp(call, base, tt, { methods: ['email_otp'] });
      const { journey, page } = await Journey.begin(world().server, tt);
      assert.doesNotMatch(page.html, FORGOT);
      const next = await journey.submit(page, '/email', { email });
      assert.match(next.html, /Enter code/);
      assert.doesNotMatch(next.html, FORGOT);

      const other = await tenantWithAdmin(world());
      await flowForApp(other.call, other.base, other.tt, { methods: ['email_password'], ssprEnabled: false });
      assert.doesNotMatch((await passwordPage(world(), other.tt, other.email)).page.html, FORGOT);
    });

    it('a group named by the policy cannot be deleted (409)', async () => {
      const { call, base, tt } = await tenantWithAdmin(world());
      const { groupId } = await groupWithFirstUser(world(), call, base, tt);
      await setEmailOtp(call, base, { enabled: true, includeTargets: ['all_users'], excludeTargets: [groupId] });
      const refused = await readThenWrite(call, 'DELETE', `${base}/groups/${groupId}`, () => undefined);
      assert.deepEqual([refused.status, refused.body.error.code], [409, 'group_in_use']);
      const unknown = await readThenWrite(call, 'PUT', `${base}/policies/auth-methods`, () => ({
        emailOtp: { enabled: true, includeTargets: ['no-such-group'], excludeTargets: [] },
      }));
      assert.deepEqual([unknown.status, unknown.body.error.code], [422, 'invalid_policy']);
    });
  });
}
