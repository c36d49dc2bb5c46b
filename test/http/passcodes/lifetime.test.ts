import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Journey, codeIn, nthMail } from '../../fixtures/journey.ts';
import { dialects } from '../../fixtures/server.ts';
import { EMAIL, passcodeApp, requestSignUpCode, setUp } from './support.ts';

/**
 * B2 (SECURITY-CHECKLIST): sign-up and sign-in codes live 10 minutes. NIST 800-63B-4 §3.1.3.2,
 * ASVS 6.5.5. (The reset code's expiry, B3, is in test/http/journeys/password-reset.test.ts.)
 */
const NINE_MINUTES = 9 * 60 * 1000;
const TEN_MINUTES_AND_A_SECOND = 10 * 60 * 1000 + 1000;
const NEW_ADDRESS = 'new.person@example.com';

for (const dialect of dialects()) {
  describe(`passcode lifetime (B2, ${dialect})`, () => {
    it('a sign-up code is accepted 9 minutes after it was sent', async (t) => {
      const { mailbox, server, tt, clock } = await setUp(t, dialect);
      const { journey, page } = await Journey.begin(server, tt);
      const codePage = await requestSignUpCode(journey, page, NEW_ADDRESS);
      const code = codeIn(await nthMail(mailbox, NEW_ADDRESS, 0));
      clock.advance(NINE_MINUTES);
      const details = await journey.submit(codePage, '/sign-up/code', { code });
      assert.match(details.html, /Confirm password/);
    });

    it('a sign-up code is refused 10 minutes and 1 second after it was sent', async (t) => {
      const { mailbox, server, tt, clock } = await setUp(t, dialect);
      const { journey, page } = await Journey.begin(server, tt);
      const codePage = await requestSignUpCode(journey, page, NEW_ADDRESS);
      const code = codeIn(await nthMail(mailbox, NEW_ADDRESS, 0));
      clock.advance(TEN_MINUTES_AND_A_SECOND);
      const after = await journey.submit(codePage, '/sign-up/code', { code });
      assert.match(after.html, /wrong or has expired/);
      assert.doesNotMatch(after.html, /Confirm password/);
    });

    it('a passcode sign-in code is accepted 9 minutes after it was sent and signs the user in', async (t) => {
      const { mailbox, server, tt, clock } = await setUp(t, dialect);
      const app = await passcodeApp(server, tt);
      const { journey, page } = await Journey.begin(server, app);
      const codePage = await journey.submit(page, '/email', { email: EMAIL });
      const code = codeIn(await nthMail(mailbox, EMAIL, 0));
      clock.advance(NINE_MINUTES);
      const landed = await journey.submit(codePage, '/code/verify', { code });
      assert.equal((await journey.tokens(landed)).claims()?.sub, tt.user.id);
    });

    it('a passcode sign-in code is refused 10 minutes and 1 second after it was sent', async (t) => {
      const { mailbox, server, tt, clock } = await setUp(t, dialect);
      const app = await passcodeApp(server, tt);
      const { journey, page } = await Journey.begin(server, app);
      const codePage = await journey.submit(page, '/email', { email: EMAIL });
      const code = codeIn(await nthMail(mailbox, EMAIL, 0));
      clock.advance(TEN_MINUTES_AND_A_SECOND);
      const after = await journey.submit(codePage, '/code/verify', { code });
      assert.equal(journey.reachedApp(after), false);
      assert.match(after.html, /wrong or has expired/);
      const log = await server.latchkey.services.deps.store.signInLog.list(tt.tenant.id, 5);
      assert.equal(log[0]?.outcome, 'failure');
    });
  });
}
