import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FlowId } from '../../../src/core/ids.ts';
import { HttpBrowser } from '../../fixtures/http-browser.ts';
import { Journey, codeIn, nthMail } from '../../fixtures/journey.ts';
import { dialects } from '../../fixtures/server.ts';
import { createTestTenant } from '../../fixtures/tenants.ts';
import { EMAIL, NEW_PASSWORD, actionOf, passcodeApp, post, requestReset, requestSignUpCode, setUp } from './support.ts';

/**
 * Where and how often a code can be redeemed.
 *
 * B4 and B5 (SECURITY-CHECKLIST): a code works once, also when replayed from another browser, and
 * also when 20 requests race with it. ASVS 6.5.1, 15.4.2; NIST 800-63B-4 §3.1.3.2.
 *
 * B6: a code is bound to its flow, purpose, tenant and address; anywhere else it is refused
 * (ASVS 6.6.2). Each binding check also proves the code still works where it belongs, so the
 * refusal came from the binding and not from a dead code.
 */
const PARALLEL = 20;
const NEW_ADDRESS = 'new.person@example.com';
const OTHER = 'blake.other@example.com';

for (const dialect of dialects()) {
  describe(`passcodes are single use (B4, B5, ${dialect})`, () => {
    it('a used reset code is refused when replayed: in the same browser, without cookies, and in a fresh reset', async (t) => {
      const { mailbox, server, tt } = await setUp(t, dialect);
      const { journey, page } = await Journey.begin(server, tt);
      const codePage = await requestReset(journey, page, EMAIL);
      const code = codeIn(await nthMail(mailbox, EMAIL, 0));
      const newPasswordPage = await journey.submit(codePage, '/reset/code', { code });
      const landed = await journey.submit(newPasswordPage, '/reset/password', { password: NEW_PASSWORD, confirm: NEW_PASSWORD });
      assert.ok(journey.reachedApp(landed), 'the first use resets the password');

      const replay = { flow: codePage.flow, csrf: codePage.csrf, code };
      const url = actionOf(server, codePage, '/reset/code');
      const sameBrowser = await post(journey, url, replay);
      assert.equal(journey.reachedApp(sameBrowser), false);
      assert.doesNotMatch(sameBrowser.html, /New password/);

      const noCookies = await new HttpBrowser().post(url, replay);
      assert.equal(noCookies.status, 400, 'a browser without the interaction cookie gets the expired page');
      assert.doesNotMatch(await noCookies.text(), /New password/);

      const fresh = await Journey.begin(server, tt);
      const freshCodePage = await requestReset(fresh.journey, fresh.page, EMAIL);
      await nthMail(mailbox, EMAIL, 2); // [0] the code, [1] "password changed", [2] the fresh flow's code
      const refused = await fresh.journey.submit(freshCodePage, '/reset/code', { code });
      assert.match(refused.html, /wrong or has expired/);
      assert.doesNotMatch(refused.html, /New password/);
    });

    it('a used sign-in code is refused when replayed: in the same browser, without cookies, and in a fresh sign-in', async (t) => {
      const { mailbox, server, tt } = await setUp(t, dialect);
      const app = await passcodeApp(server, tt);
      const { journey, page } = await Journey.begin(server, app);
      const codePage = await journey.submit(page, '/email', { email: EMAIL });
      const code = codeIn(await nthMail(mailbox, EMAIL, 0));
      const landed = await journey.submit(codePage, '/code/verify', { code });
      assert.equal((await journey.tokens(landed)).claims()?.sub, tt.user.id);

      const replay = { flow: codePage.flow, csrf: codePage.csrf, code };
      const url = actionOf(server, codePage, '/code/verify');
      const sameBrowser = await post(journey, url, replay);
      assert.equal(journey.reachedApp(sameBrowser), false, 'no second authorization code from the same browser');

      const noCookies = new HttpBrowser();
      const noCookiesAnswer = await noCookies.follow(await noCookies.post(url, replay), url, server.baseUrl);
      assert.equal(noCookiesAnswer.url.startsWith(tt.redirectUri), false);
      assert.equal(noCookiesAnswer.response.status, 400);

      const fresh = await Journey.begin(server, app);
      const freshCodePage = await fresh.journey.submit(fresh.page, '/email', { email: EMAIL });
      await nthMail(mailbox, EMAIL, 1);
      const refused = await fresh.journey.submit(freshCodePage, '/code/verify', { code });
      assert.equal(fresh.journey.reachedApp(refused), false);
      assert.match(refused.html, /wrong or has expired/);

      const log = await server.latchkey.services.deps.store.signInLog.list(tt.tenant.id, 20);
      assert.equal(log.filter((e) => e.outcome === 'success').length, 1, 'one success in the sign-in log');
    });

    it(`${PARALLEL} parallel submissions of one valid sign-in code: exactly one succeeds and the user lands in the app`, async (t) => {
      const { mailbox, server, tt } = await setUp(t, dialect);
      const { store } = server.latchkey.services.deps;
      const app = await passcodeApp(server, tt);
      const { journey, page } = await Journey.begin(server, app);
      const codePage = await journey.submit(page, '/email', { email: EMAIL });
      const code = codeIn(await nthMail(mailbox, EMAIL, 0));
      const url = actionOf(server, codePage, '/code/verify');
      const answers = await Promise.all(Array.from({ length: PARALLEL }, () => journey.browser.post(url, { flow: codePage.flow, csrf: codePage.csrf, code })));
      assert.deepEqual(
        answers.map((a) => a.status),
        Array(PARALLEL).fill(303),
        'every racer gets an answer, none a server error',
      );

      const log = await store.signInLog.list(tt.tenant.id, PARALLEL * 2);
      assert.equal(log.filter((e) => e.outcome === 'success').length, 1, 'exactly one success in the sign-in log');
      const passcode = await store.passcodes.find(codePage.flow as FlowId);
      assert.ok(passcode?.consumedAt, 'the code is consumed');
      const flow = await store.flows.find(codePage.flow as FlowId);
      assert.equal(flow?.state, 'completed', 'the winner completed the flow (a loser did not overwrite it)');

      const landed = await journey.open(codePage.url);
      assert.equal((await journey.tokens(landed)).claims()?.sub, tt.user.id);
    });

    it(`${PARALLEL} parallel submissions of one valid reset code: the code is used once and the flow moves on once`, async (t) => {
      const { mailbox, server, tt } = await setUp(t, dialect);
      const { store } = server.latchkey.services.deps;
      const { journey, page } = await Journey.begin(server, tt);
      const codePage = await requestReset(journey, page, EMAIL);
      const code = codeIn(await nthMail(mailbox, EMAIL, 0));
      const url = actionOf(server, codePage, '/reset/code');
      const answers = await Promise.all(Array.from({ length: PARALLEL }, () => journey.browser.post(url, { flow: codePage.flow, csrf: codePage.csrf, code })));
      assert.deepEqual(
        answers.map((a) => a.status),
        Array(PARALLEL).fill(303),
      );
      const flow = await store.flows.find(codePage.flow as FlowId);
      assert.equal(flow?.state, 'awaiting_new_password', 'the winner moved the flow on (a loser did not overwrite it)');
      const next = await journey.open(codePage.url);
      assert.match(next.html, /New password/);
      const landed = await journey.submit(next, '/reset/password', { password: NEW_PASSWORD, confirm: NEW_PASSWORD });
      assert.ok(journey.reachedApp(landed));
    });
  });

  describe(`passcodes are bound to their flow, purpose and tenant (B6, ${dialect})`, () => {
    it('a sign-up code is refused on the reset form of the same browser, and a reset code on the sign-up form', async (t) => {
      const { mailbox, server, tt } = await setUp(t, dialect);
      const { journey, page } = await Journey.begin(server, tt);
      const signUpCodePage = await requestSignUpCode(journey, page, NEW_ADDRESS);
      const signUpCode = codeIn(await nthMail(mailbox, NEW_ADDRESS, 0));
      // Same browser, same OIDC interaction: back to sign-in and "Forgot password?" for an existing account.
      const resetCodePage = await requestReset(journey, await journey.open(page.url.split('?')[0] ?? ''), EMAIL);
      const resetCode = codeIn(await nthMail(mailbox, EMAIL, 0));

      const signUpCodeOnResetForm = await journey.submit(resetCodePage, '/reset/code', { code: signUpCode });
      assert.match(signUpCodeOnResetForm.html, /wrong or has expired/);
      const resetCodeOnSignUpForm = await journey.submit(signUpCodePage, '/sign-up/code', { code: resetCode });
      assert.match(resetCodeOnSignUpForm.html, /wrong or has expired/);

      // The sign-up flow itself (its id and CSRF token) posted to the reset form: not a reset flow.
      const crossed = await post(journey, actionOf(server, resetCodePage, '/reset/code'), {
        flow: signUpCodePage.flow,
        csrf: signUpCodePage.csrf,
        code: signUpCode,
      });
      assert.equal(crossed.status, 400);
      assert.doesNotMatch(crossed.html, /New password/);

      const details = await journey.submit(signUpCodePage, '/sign-up/code', { code: signUpCode });
      assert.match(details.html, /Confirm password/, 'the sign-up code still works for its sign-up');
      const newPassword = await journey.submit(resetCodePage, '/reset/code', { code: resetCode });
      assert.match(newPassword.html, /New password/, 'the reset code still works for its reset');
    });

    it("a code of one flow is refused in another flow, for the same address and for another user's address", async (t) => {
      const { mailbox, server, tt } = await setUp(t, dialect);
      await server.latchkey.services.users.create({ tenantId: tt.tenant.id, email: OTHER, password: 'Other user password 9' });
      const first = await Journey.begin(server, tt);
      const second = await Journey.begin(server, tt);
      const other = await Journey.begin(server, tt);
      const firstPage = await requestReset(first.journey, first.page, EMAIL);
      const firstCode = codeIn(await nthMail(mailbox, EMAIL, 0));
      const secondPage = await requestReset(second.journey, second.page, EMAIL);
      const secondCode = codeIn(await nthMail(mailbox, EMAIL, 1));
      const otherPage = await requestReset(other.journey, other.page, OTHER);
      await nthMail(mailbox, OTHER, 0);

      const inSecond = await second.journey.submit(secondPage, '/reset/code', { code: firstCode });
      assert.match(inSecond.html, /wrong or has expired/, 'flow 1 code in flow 2 (same address)');
      const inOther = await other.journey.submit(otherPage, '/reset/code', { code: firstCode });
      assert.match(inOther.html, /wrong or has expired/, "a@x's code in b@x's flow");

      assert.match((await second.journey.submit(inSecond, '/reset/code', { code: secondCode })).html, /New password/);
      assert.match((await first.journey.submit(firstPage, '/reset/code', { code: firstCode })).html, /New password/);
    });

    it('a code of tenant T1 is refused in tenant T2, for the same address', async (t) => {
      const { mailbox, server, tt } = await setUp(t, dialect);
      const tt2 = await createTestTenant(server); // another tenant with an account for the same address
      const inT1 = await Journey.begin(server, tt);
      const inT2 = await Journey.begin(server, tt2);
      const t1Page = await requestReset(inT1.journey, inT1.page, EMAIL);
      const t1Code = codeIn(await nthMail(mailbox, EMAIL, 0));
      const t2Page = await requestReset(inT2.journey, inT2.page, EMAIL);
      await nthMail(mailbox, EMAIL, 1);

      const typed = await inT2.journey.submit(t2Page, '/reset/code', { code: t1Code });
      assert.match(typed.html, /wrong or has expired/);
      // T1's flow (id and CSRF token) posted to T2's reset form.
      const crossed = await post(inT2.journey, actionOf(server, t2Page, '/reset/code'), { flow: t1Page.flow, csrf: t1Page.csrf, code: t1Code });
      assert.equal(crossed.status, 400);
      assert.doesNotMatch(crossed.html, /New password/);

      assert.match((await inT1.journey.submit(t1Page, '/reset/code', { code: t1Code })).html, /New password/, 'the code still works in T1');
    });
  });
}
