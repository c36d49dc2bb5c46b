import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Journey, codeIn, nthMail } from '../../fixtures/journey.ts';
import { dialects } from '../../fixtures/server.ts';
import { createTestTenant } from '../../fixtures/tenants.ts';
import { EMAIL, actionOf, post, requestReset, requestSignUpCode, setUp } from './support.ts';

/**
 * B6 (SECURITY-CHECKLIST): a code is bound to its flow, purpose, tenant and address; used
 * anywhere else it is refused. ASVS 6.6.2. Each check also proves the code still works where it
 * belongs, so the refusal came from the binding and not from a dead code.
 */
const NEW_ADDRESS = 'new.person@example.com';
const OTHER = 'blake.other@example.com';

for (const dialect of dialects()) {
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
      const crossed = await post(journey, actionOf(server, resetCodePage, '/reset/code'), { flow: signUpCodePage.flow, csrf: signUpCodePage.csrf, code: signUpCode });
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
