import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, it } from 'node:test';
import * as client from 'openid-client';
import { Journey, type Page, codeIn, comparable, nthMail } from '../../fixtures/journey.ts';
import { dialects } from '../../fixtures/server.ts';
import type { ReceivedMail } from '../../fixtures/smtp.ts';
import { EMAIL, actionOf, allMailSent, disableUser, passcodeApp, requestReset, setUp, settle } from './support.ts';

/**
 * B12, B14, B15 and B16 (SECURITY-CHECKLIST): what a reset request may and may not do before a
 * code is redeemed, which origin its mail names, what its pages leak, and who gets a code.
 */
const EVIL = 'evil.example';
const DISABLED = 'dana.disabled@example.com';

/** POSTs a form over a raw socket, so the Host header can be anything (fetch would not let us). */
function rawPost(
  url: URL,
  form: Record<string, string>,
  headers: Record<string, string>,
): Promise<{ status: number; location: string | undefined; body: string }> {
  const body = new URLSearchParams(form).toString();
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Everything a reader of `mail` can see: subject, both bodies and every header line. */
const wholeMail = (mail: ReceivedMail) => [mail.subject, mail.text, mail.html, ...mail.parsed.headerLines.map((h) => h.line)].join('\n');

/** Every URL a page would make the browser fetch or navigate to. */
const urlsIn = (html: string) => [...html.matchAll(/\s(?:src|href|action|srcset|poster|data)="([^"]*)"/g)].map((m) => m[1] ?? '');

for (const dialect of dialects()) {
  describe(`password reset safety (B12, B14, B15, B16, ${dialect})`, () => {
    it('a reset request alone changes nothing: the old password signs in, sessions live on, the hash is the same (B12)', async (t) => {
      const { mailbox, server, tt } = await setUp(t, dialect);
      const { store } = server.latchkey.services.deps;
      const earlier = await Journey.begin(server, tt);
      const earlierTokens = await earlier.journey.tokens(
        await earlier.journey.submit(await earlier.journey.submit(earlier.page, '/email', { email: EMAIL }), '/password', { password: tt.password }),
      );
      const hashBefore = (await store.passwords.find(tt.user.id))?.hash;

      const reset = await Journey.begin(server, tt);
      await requestReset(reset.journey, reset.page, EMAIL);
      await nthMail(mailbox, EMAIL, 0);

      const later = await Journey.begin(server, tt);
      const landed = await later.journey.submit(await later.journey.submit(later.page, '/email', { email: EMAIL }), '/password', { password: tt.password });
      assert.equal((await later.journey.tokens(landed)).claims()?.sub, tt.user.id, 'the old password still signs in');
      const refreshed = await client.refreshTokenGrant(earlier.journey.config, earlierTokens.refresh_token ?? '');
      assert.ok(refreshed.access_token, 'the earlier refresh token still works');
      assert.equal((await store.passwords.find(tt.user.id))?.hash, hashBefore);
      assert.equal((await store.users.findById(tt.tenant.id, tt.user.id))?.enabled, true);
    });

    it('a forged Host and X-Forwarded-Host change nothing in the mail: no links, and the OTP-Token origin is the base URL (B14)', async (t) => {
      const { mailbox, server, tt, clock } = await setUp(t, dialect);
      const { journey, page } = await Journey.begin(server, tt);
      const passwordPage = await journey.submit(page, '/email', { email: EMAIL });
      const forged = {
        host: EVIL,
        'x-forwarded-host': EVIL,
        'x-forwarded-proto': 'https',
        forwarded: `host=${EVIL};proto=https`,
        cookie: journey.browser.cookieHeader(),
      };
      const forgot = await rawPost(new URL(actionOf(server, passwordPage, '/forgot')), { flow: passwordPage.flow, csrf: passwordPage.csrf }, forged);
      assert.equal(forgot.status, 303, forgot.body.slice(0, 300));
      assert.doesNotMatch(forgot.location ?? '', new RegExp(EVIL));
      const codePage = await journey.open(new URL(forgot.location ?? '', server.baseUrl).href);
      await nthMail(mailbox, EMAIL, 0);
      await allMailSent(server);
      clock.advance(31_000);
      const resend = await rawPost(new URL(actionOf(server, codePage, '/reset/resend')), { flow: codePage.flow, csrf: codePage.csrf }, forged);
      assert.equal(resend.status, 303);

      for (const mail of [await nthMail(mailbox, EMAIL, 0), await nthMail(mailbox, EMAIL, 1)]) {
        assert.match(mail.subject, /^\d{8}\b/, 'a passcode mail');
        assert.doesNotMatch(wholeMail(mail), new RegExp(EVIL.replace('.', '\\.')), 'the forged host appears nowhere');
        assert.doesNotMatch(mail.text, /https?:\/\//, 'no link in the text part');
        assert.doesNotMatch(mail.html, /<a\s|href=|https?:\/\//i, 'no link in the HTML part');
        assert.equal(mail.otp?.origin, server.baseUrl, 'the OTP-Token header names the configured origin');
      }
    });

    it('the reset pages send Referrer-Policy: no-referrer and load nothing from another origin (B15)', async (t) => {
      const { mailbox, server, tt } = await setUp(t, dialect);
      const { journey, page } = await Journey.begin(server, tt);
      const codePage = await requestReset(journey, page, EMAIL);
      const newPasswordPage = await journey.submit(codePage, '/reset/code', { code: codeIn(await nthMail(mailbox, EMAIL, 0)) });
      assert.match(newPasswordPage.html, /New password/);
      const expiredUrl = `${codePage.url.split('?')[0]}?flow=unknown`;
      for (const url of [codePage.url, newPasswordPage.url, expiredUrl]) {
        const response = await journey.browser.get(url);
        const html = await response.text();
        assert.equal(response.headers.get('referrer-policy'), 'no-referrer', url);
        assert.match(response.headers.get('content-security-policy') ?? '', /default-src 'none'/, url);
        // The one script is the pages' own file (Show password), by src: nothing inline, nothing embedded.
        assert.doesNotMatch(html, /<script(?![^>]*\ssrc="\/static\/latchkey\.js")|<iframe|<object|<embed/i, url);
        const foreign = urlsIn(html).filter((u) => /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i.test(u) && !u.startsWith(`${server.baseUrl}/`) && !u.startsWith('data:'));
        assert.deepEqual(foreign, [], `${url} refers only to its own origin`);
      }
    });

    it('a disabled user who asks for a reset sees the same pages as an eligible one and gets no mail (B16)', async (t) => {
      const { mailbox, server, tt } = await setUp(t, dialect);
      const disabled = await server.latchkey.services.users.create({ tenantId: tt.tenant.id, email: DISABLED, password: 'Disabled user password 7' });
      await disableUser(server, disabled.id);
      const eligible = await Journey.begin(server, tt);
      const blocked = await Journey.begin(server, tt);
      const eligiblePage = await requestReset(eligible.journey, eligible.page, EMAIL);
      const blockedPage = await requestReset(blocked.journey, blocked.page, DISABLED);
      const shape = (p: Page, email: string) => comparable(p).replaceAll(email, 'X');
      assert.equal(blockedPage.status, eligiblePage.status);
      assert.equal(shape(blockedPage, DISABLED), shape(eligiblePage, EMAIL));
      const wrongEligible = await eligible.journey.submit(eligiblePage, '/reset/code', { code: '12345678' });
      const wrongBlocked = await blocked.journey.submit(blockedPage, '/reset/code', { code: '12345678' });
      assert.equal(shape(wrongBlocked, DISABLED), shape(wrongEligible, EMAIL));
      await nthMail(mailbox, EMAIL, 0);
      await settle();
      assert.equal(mailbox.countFor(DISABLED), 0);
    });

    it('a disabled user who asks for a sign-in code sees the same page as an eligible one and gets no mail (B16)', async (t) => {
      const { mailbox, server, tt } = await setUp(t, dialect);
      const disabled = await server.latchkey.services.users.create({ tenantId: tt.tenant.id, email: DISABLED, password: 'Disabled user password 7' });
      await disableUser(server, disabled.id);
      const app = await passcodeApp(server, tt);
      const eligible = await Journey.begin(server, app);
      const blocked = await Journey.begin(server, app);
      const eligiblePage = await eligible.journey.submit(eligible.page, '/email', { email: EMAIL });
      const blockedPage = await blocked.journey.submit(blocked.page, '/email', { email: DISABLED });
      assert.equal(comparable(blockedPage).replaceAll(DISABLED, 'X'), comparable(eligiblePage).replaceAll(EMAIL, 'X'));
      await nthMail(mailbox, EMAIL, 0);
      await settle();
      assert.equal(mailbox.countFor(DISABLED), 0);
    });
  });
}
