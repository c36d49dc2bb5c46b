import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adminCaller } from '../../fixtures/admin.ts';
import { Journey, codeIn, comparable, nthMail } from '../../fixtures/journey.ts';
import { dialects, startTestServer } from '../../fixtures/server.ts';
import { startTestMailbox } from '../../fixtures/smtp.ts';
import { createTestTenant } from '../../fixtures/tenants.ts';

const GENERIC = /Your email address or password is incorrect/;

async function setUp(t: { after(fn: () => Promise<void>): void }, dialect: 'sqlite' | 'postgres') {
  const mailbox = await startTestMailbox();
  const server = await startTestServer({ dialect, env: { LATCHKEY_SMTP_URL: mailbox.url } });
  t.after(async () => {
    await server.close();
    await mailbox.stop();
  });
  const tt = await createTestTenant(server);
  // A low threshold keeps the test short; the mechanism is the same as with the default 10.
  await server.latchkey.services.deps.store.tenants.setPolicies(tt.tenant.id, { lockout: { threshold: 3 } });
  return { mailbox, server, tt };
}

/** Fails `times` password attempts in one journey, returning the password page after the last. */
async function failPasswords(journey: Journey, page: Awaited<ReturnType<typeof Journey.begin>>['page'], email: string, times: number) {
  let current = await journey.submit(page, '/email', { email });
  for (let i = 0; i < times; i++) current = await journey.submit(current, '/password', { password: `wrong password ${i}` });
  return current;
}

for (const dialect of dialects()) {
  describe(`smart lockout (${dialect})`, () => {
    it('locks after the threshold: the right password then fails with the same message, and the log says locked', async (t) => {
      const { server, tt } = await setUp(t, dialect);
      const { journey, page } = await Journey.begin(server, tt);
      // Case and whitespace variants of the address count as one account.
      let current = await failPasswords(journey, page, ' ALEX.doe@example.com', 1);
      current = await journey.submit(await journey.submit(current, '/change-email'), '/email', { email: 'alex.DOE@example.com ' });
      for (let i = 0; i < 2; i++) current = await journey.submit(current, '/password', { password: `still wrong ${i}` });
      const locked = await journey.submit(current, '/password', { password: tt.password });
      assert.match(locked.html, GENERIC);
      assert.doesNotMatch(locked.html, /lock/i, 'the page does not say the account is locked');
      assert.ok(!journey.reachedApp(locked));
      const log = await server.latchkey.services.deps.store.signInLog.list(tt.tenant.id, 1);
      assert.equal(log[0]?.reason, 'locked');
    });

    it('a locked account and an unknown address look the same', async (t) => {
      const { server, tt } = await setUp(t, dialect);
      const a = await Journey.begin(server, tt);
      const b = await Journey.begin(server, tt);
      const lockedPage = await journey4(a, 'alex.doe@example.com');
      const unknownPage = await journey4(b, 'nobody@example.com');
      assert.equal(lockedPage.status, unknownPage.status);
      assert.equal(comparable(lockedPage).replaceAll('alex.doe@example.com', 'X'), comparable(unknownPage).replaceAll('nobody@example.com', 'X'));

      async function journey4(j: Awaited<ReturnType<typeof Journey.begin>>, email: string) {
        return failPasswords(j.journey, j.page, email, 4);
      }
    });

    it('a success resets the failure run', async (t) => {
      const { server, tt } = await setUp(t, dialect);
      const first = await Journey.begin(server, tt);
      const two = await failPasswords(first.journey, first.page, 'alex.doe@example.com', 2);
      assert.ok(first.journey.reachedApp(await first.journey.submit(two, '/password', { password: tt.password })));
      const second = await Journey.begin(server, tt);
      const again = await failPasswords(second.journey, second.page, 'alex.doe@example.com', 2);
      assert.ok(second.journey.reachedApp(await second.journey.submit(again, '/password', { password: tt.password })), 'two more failures do not lock');
    });

    it('D8: an administrator unlocks the account by setting a temporary password, which the user then replaces', async (t) => {
      const { server, tt } = await setUp(t, dialect);
      const { journey, page } = await Journey.begin(server, tt);
      await failPasswords(journey, page, 'alex.doe@example.com', 3);
      const admin = await adminCaller(server, { role: 'tenant_admin', tenants: [tt.tenant.name] });
      const set = await admin('POST', `/admin/v1/tenants/${tt.tenant.name}/users/${tt.user.id}/password`, {});
      assert.equal(set.status, 200, JSON.stringify(set.body));
      const fresh = await Journey.begin(server, tt);
      const pw = await fresh.journey.submit(fresh.page, '/email', { email: 'alex.doe@example.com' });
      const next = await fresh.journey.submit(pw, '/password', { password: set.body.temporaryPassword });
      assert.match(next.html, /Choose a new password/, 'the lock is gone and the temporary password must be replaced');
      const landed = await fresh.journey.submit(next, '/new-password', { password: 'a new long secret', confirm: 'a new long secret' });
      assert.ok(fresh.journey.reachedApp(landed));
    });

    it('a completed self-service reset clears the lockout', async (t) => {
      const { mailbox, server, tt } = await setUp(t, dialect);
      const { journey, page } = await Journey.begin(server, tt);
      const lockedPage = await failPasswords(journey, page, 'alex.doe@example.com', 3);
      const codePage = await journey.submit(lockedPage, '/forgot');
      const next = await journey.submit(codePage, '/reset/code', { code: codeIn(await nthMail(mailbox, 'alex.doe@example.com', 0)) });
      const landed = await journey.submit(next, '/reset/password', { password: 'a new long secret', confirm: 'a new long secret' });
      assert.ok(journey.reachedApp(landed));
      const fresh = await Journey.begin(server, tt);
      const pw = await fresh.journey.submit(fresh.page, '/email', { email: 'alex.doe@example.com' });
      assert.ok(fresh.journey.reachedApp(await fresh.journey.submit(pw, '/password', { password: 'a new long secret' })));
    });
  });
}
