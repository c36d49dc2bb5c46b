import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Journey, type Page, codeIn, nthMail } from '../../fixtures/journey.ts';
import { dialects } from '../../fixtures/server.ts';
import { EMAIL, actionOf, passcodeApp, post, requestReset, setUp, settle } from './support.ts';

/**
 * B10 (SECURITY-CHECKLIST), the per-flow part: one flow sends at most `maxSends` codes (5 by
 * default), so one browser cannot bomb an inbox by pressing "Resend code". The per-address and
 * per-IP budgets across flows (50 requests for one address, 50 addresses from one IP) are the
 * rate-limit issue's checks and are not faked here.
 */
const COOLDOWN_PASSED = 31_000;

for (const dialect of dialects()) {
  describe(`passcode send cap per flow (B10, ${dialect})`, () => {
    it('a reset flow sends 5 codes; the 6th send is refused and mails nothing, and the 5th code still works', async (t) => {
      const { mailbox, server, tt, clock } = await setUp(t, dialect);
      const { journey, page } = await Journey.begin(server, tt);
      let codePage: Page = await requestReset(journey, page, EMAIL);
      for (let send = 2; send <= 5; send++) {
        clock.advance(COOLDOWN_PASSED);
        codePage = await journey.submit(codePage, '/reset/resend');
        assert.doesNotMatch(codePage.html, /Too many/, `send ${send} is allowed`);
      }
      const fifth = codeIn(await nthMail(mailbox, EMAIL, 4));

      clock.advance(COOLDOWN_PASSED);
      const sixth = await post(journey, actionOf(server, codePage, '/reset/resend'), { flow: codePage.flow, csrf: codePage.csrf });
      // Refused by the flow's cap ("Too many codes were sent") or, first, by the per-address budget (429).
      assert.ok(
        (sixth.status === 200 && /Too many codes were sent/.test(sixth.html)) || sixth.status === 429,
        `the 6th send is refused: ${sixth.status} ${sixth.html.slice(0, 300)}`,
      );
      await settle();
      assert.equal(mailbox.countFor(EMAIL), 5, 'no 6th mail');
      const next = await journey.submit(codePage, '/reset/code', { code: fifth });
      assert.match(next.html, /New password/);
    });

    it("the cap is per flow and follows the tenant's policy: with maxSends 3 the 4th send is refused, a new flow still gets a code", async (t) => {
      const { mailbox, server, tt, clock } = await setUp(t, dialect);
      await server.latchkey.services.deps.store.tenants.setPolicies(tt.tenant.id, { passcode: { maxSends: 3 } });
      const app = await passcodeApp(server, tt);
      const { journey, page } = await Journey.begin(server, app);
      let codePage: Page = await journey.submit(page, '/email', { email: EMAIL });
      for (let send = 2; send <= 3; send++) {
        clock.advance(COOLDOWN_PASSED);
        codePage = await journey.submit(codePage, '/code/resend');
      }
      await nthMail(mailbox, EMAIL, 2);
      clock.advance(COOLDOWN_PASSED);
      const fourth = await journey.submit(codePage, '/code/resend');
      assert.match(fourth.html, /Too many codes were sent/);
      await settle();
      assert.equal(mailbox.countFor(EMAIL), 3, 'no 4th mail from this flow');

      const other = await Journey.begin(server, app);
      const otherPage = await other.journey.submit(other.page, '/email', { email: EMAIL });
      const code = codeIn(await nthMail(mailbox, EMAIL, 3));
      const landed = await other.journey.submit(otherPage, '/code/verify', { code });
      assert.ok(other.journey.reachedApp(landed), 'a new flow has its own budget');
    });
  });
}
