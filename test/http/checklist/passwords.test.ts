import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { type Page, codeIn, comparable, nthMail } from '../../fixtures/journey.ts';
import { dialects } from '../../fixtures/server.ts';
import {
  GENERIC,
  GOOD_PASSWORD,
  actionUrl,
  alertOf,
  begin,
  passwordPage,
  resetToNewPassword,
  signIn,
  signUpToDetails,
  submitDetails,
  submitNewPassword,
  suite,
} from './support.ts';

/**
 * Section C of the security checklist (password policy and storage), through the hosted pages:
 * what sign-up and reset accept, and that what was accepted signs in exactly. The policy's rules
 * themselves are unit-tested in src/core/credentials/*.test.ts; see docs/security-checklist.md.
 */

const newAddress = () => `new.${randomBytes(4).toString('hex')}@example.com`;

/** A random password of `n` characters from base64url (no repetition, sequence or common word). */
const randomPassword = (n: number) => randomBytes(n).toString('base64url').slice(0, n);

/** Digits and symbols only, `n` characters, no run or repetition. */
const digitsAndSymbols = (n: number) =>
  Array.from(randomBytes(n), (b) => '0123456789!#$%&*+-=?@^_~'[b % 24])
    .join('')
    .slice(0, n);

// The suites of each database run side by side (each test within a suite runs alone).
describe('checklist C', { concurrency: true }, () => {
  for (const dialect of dialects()) {
    describe(`checklist C, passwords (${dialect})`, { concurrency: 1 }, () => {
      const { server, mailbox, tenant } = suite(dialect, { mail: true });

      it('C1: sign-up refuses 7 characters and accepts 8 under the default policy; a tenant minimum of 15 refuses 14 and accepts 15; each refusal says why', async () => {
        const lax = await tenant();
        const email = newAddress();
        const { journey, details } = await signUpToDetails(server(), mailbox(), lax, email);
        const short = await submitDetails(journey, details, 'kq7#vLm');
        assert.equal(alertOf(short), 'Use at least 8 characters.');
        assert.ok(journey.reachedApp(await submitDetails(journey, short, 'kq7#vLm2')), '8 characters are accepted');

        const strict = await tenant({ policies: { password: { minLength: 15 } } });
        const second = await signUpToDetails(server(), mailbox(), strict, newAddress());
        const fourteen = await submitDetails(second.journey, second.details, 'kq7#vLm2Tz9!pW');
        assert.equal(alertOf(fourteen), 'Use at least 15 characters.');
        assert.ok(second.journey.reachedApp(await submitDetails(second.journey, fourteen, 'kq7#vLm2Tz9!pW4')), '15 characters are accepted');
      });

      it('C2/C7: length counts code points: 7 emoji (14 UTF-16 units, 28 bytes) are too short, 8 emoji are accepted at reset and sign in', async () => {
        const tt = await tenant();
        const { journey, form } = await resetToNewPassword(server(), mailbox(), tt, tt.email);
        const seven = await submitNewPassword(journey, form, '🦊🌵🚲🎻🍋🪐🧭');
        assert.equal(alertOf(seven), 'Your password is too short.');
        assert.ok(journey.reachedApp(await submitNewPassword(journey, seven, '🦊🌵🚲🎻🍋🪐🧭🐙')));
        assert.ok((await signIn(server(), tt, tt.email, '🦊🌵🚲🎻🍋🪐🧭🐙')).ok, 'the emoji password signs in');
        assert.equal((await signIn(server(), tt, tt.email, '🦊🌵🚲🎻🍋🪐🧭🐟')).ok, false, 'one emoji off does not');
      });

      it('C3/C6: a 64-character password of digits and symbols (reset) and a 128-character lower-case passphrase (sign-up) are accepted and sign in', async () => {
        const tt = await tenant();
        const symbols = digitsAndSymbols(64);
        const { journey, form } = await resetToNewPassword(server(), mailbox(), tt, tt.email);
        assert.ok(journey.reachedApp(await submitNewPassword(journey, form, symbols)), alertOf(form));
        assert.ok((await signIn(server(), tt, tt.email, symbols)).ok);

        const words = ['orbit', 'lantern', 'quartz', 'meadow', 'copper', 'violet', 'harbor', 'saddle', 'tundra', 'pepper', 'walnut', 'glacier', 'candle', 'ferry', 'mosaic', 'thimble', 'bramble', 'saffron', 'pebble', 'juniper', 'anchor', 'kestrel', 'lagoon'];
        const passphrase = words.join(' ').slice(0, 128);
        assert.equal(passphrase.length, 128);
        const email = newAddress();
        const signUp = await signUpToDetails(server(), mailbox(), tt, email);
        assert.ok(signUp.journey.reachedApp(await submitDetails(signUp.journey, signUp.details, passphrase)));
        assert.ok((await signIn(server(), tt, email, passphrase)).ok);
      });

      it('C4: 257 characters are refused at reset with the reason, 256 are accepted and sign in', async () => {
        const tt = await tenant();
        const { journey, form } = await resetToNewPassword(server(), mailbox(), tt, tt.email);
        const tooLong = await submitNewPassword(journey, form, randomPassword(257));
        assert.equal(alertOf(tooLong), 'Your password is too long.');
        const longest = randomPassword(256);
        assert.ok(journey.reachedApp(await submitNewPassword(journey, tooLong, longest)));
        assert.ok((await signIn(server(), tt, tt.email, longest)).ok);
      });

      it('C4: a 1 MB password is refused with 413 before any work on sign-in, sign-up and reset', async () => {
        const tt = await tenant();
        const huge = 'p'.repeat(1024 * 1024);
        const { store } = server().latchkey.services.deps;
        const post = async (journey: Awaited<ReturnType<typeof begin>>['journey'], page: Page, suffix: string) => {
          const body = new URLSearchParams({ flow: page.flow, csrf: page.csrf, password: huge, confirm: huge }).toString();
          const started = performance.now();
          const response = await journey.browser.request(actionUrl(journey, page, suffix), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
          await response.text();
          return { status: response.status, ms: performance.now() - started };
        };
        const signInJourney = await begin(server(), tt);
        const atSignIn = await post(signInJourney.journey, await passwordPage(signInJourney.journey, signInJourney.page, tt.email), '/password');
        const signUp = await signUpToDetails(server(), mailbox(), tt, newAddress());
        const atSignUp = await post(signUp.journey, signUp.details, '/sign-up/details');
        const reset = await resetToNewPassword(server(), mailbox(), tt, tt.email);
        const atReset = await post(reset.journey, reset.form, '/reset/password');
        for (const [where, answer] of Object.entries({ atSignIn, atSignUp, atReset })) {
          assert.equal(answer.status, 413, where);
          // The checklist asks < 50 ms on an idle machine; this bound leaves room for a loaded CI runner.
          assert.ok(answer.ms < 250, `${where}: ${answer.ms.toFixed(0)} ms`);
        }
        assert.deepEqual(await store.signInLog.list(tt.tenant.id, 10), [], 'no sign-in attempt was made (no hash computed)');
        assert.equal((await reset.journey.open(reset.form.url)).html.includes('Confirm password'), true, 'the reset flow did not move on');
      });

      it('C5: an 80-character password is verified whole: its first 72 and first 79 characters do not sign in', async () => {
        const tt = await tenant();
        const password = randomPassword(80);
        const { journey, form } = await resetToNewPassword(server(), mailbox(), tt, tt.email);
        assert.ok(journey.reachedApp(await submitNewPassword(journey, form, password)));
        assert.equal((await signIn(server(), tt, tt.email, password.slice(0, 72))).ok, false, 'the first 72 characters');
        assert.equal((await signIn(server(), tt, tt.email, password.slice(0, 79))).ok, false, 'the first 79 characters');
        assert.ok((await signIn(server(), tt, tt.email, password)).ok, 'the whole password');
      });

      it('C7: spaces at both ends, quotes, SQL, markup, NUL, emoji and right-to-left text are accepted at sign-up and verified exactly', async () => {
        const tt = await tenant();
        const password = `  '";-- <script>x</script>\u0000 🦊 שלום עולם  `;
        const email = newAddress();
        const { journey, details } = await signUpToDetails(server(), mailbox(), tt, email);
        assert.ok(journey.reachedApp(await submitDetails(journey, details, password)), alertOf(details));
        assert.ok((await signIn(server(), tt, email, password)).ok, 'the exact password');
        for (const variant of [password.trim(), password.replace('\u0000', ''), password.replace('שלום', 'שלוס')]) {
          assert.equal((await signIn(server(), tt, email, variant)).ok, false, JSON.stringify(variant));
        }
      });

      it('C8: a password set in decomposed form (NFD) signs in typed composed (NFC) and with full-width digits (NFKC)', async () => {
        const tt = await tenant();
        const nfd = 'Crème brûlée pour 42 amis'.normalize('NFD');
        assert.notEqual(nfd, nfd.normalize('NFC'));
        const { journey, form } = await resetToNewPassword(server(), mailbox(), tt, tt.email);
        assert.ok(journey.reachedApp(await submitNewPassword(journey, form, nfd)));
        assert.ok((await signIn(server(), tt, tt.email, nfd.normalize('NFC'))).ok, 'typed in NFC');
        assert.ok((await signIn(server(), tt, tt.email, 'Crème brûlée pour ４２ amis')).ok, 'typed with full-width digits');
        assert.equal((await signIn(server(), tt, tt.email, 'Creme brulee pour 42 amis')).ok, false, 'accents are not dropped');
      });

      it('C9: sign-up refuses common passwords of the minimum length, saying why', async () => {
        const tt = await tenant();
        let { journey, details } = await signUpToDetails(server(), mailbox(), tt, newAddress());
        for (const common of ['password1234567', '123456789012345', 'qwertyuiopasdfg', 'iloveyou', 'Password1!']) {
          details = await submitDetails(journey, details, common);
          assert.equal(alertOf(details), 'This password is too common or too easy to guess. Choose another one.', common);
        }
        assert.ok(journey.reachedApp(await submitDetails(journey, details, GOOD_PASSWORD)));
      });

      it("C11: sign-up refuses the address's local part padded and the tenant's name with a year", async () => {
        const name = `northwind-${randomBytes(3).toString('hex')}`;
        const tt = await tenant({ name });
        const local = `maria.lopez.${randomBytes(3).toString('hex')}`;
        const { journey, details } = await signUpToDetails(server(), mailbox(), tt, `${local}@example.com`);
        let page = details;
        for (const contextual of [`${local}!!2026`, `${name}2026`, `${name.toUpperCase()}-2026`]) {
          page = await submitDetails(journey, page, contextual);
          assert.equal(alertOf(page), 'This password is too common or too easy to guess. Choose another one.', contextual);
        }
      });

      it("C11: sign-up refuses the product's name (Latchkey) with a year", async () => {
        const tt = await tenant();
        const { journey, details } = await signUpToDetails(server(), mailbox(), tt, newAddress());
        const page = await submitDetails(journey, details, 'Latchkey2026!');
        assert.equal(journey.reachedApp(page), false, 'the product name is accepted as a password');
        assert.equal(alertOf(page), 'This password is too common or too easy to guess. Choose another one.');
      });

      it('C13: a password last set 400 days ago still signs in straight to the app: no forced change', async () => {
        const tt = await tenant();
        const { store } = server().latchkey.services.deps;
        const credential = await store.passwords.find(tt.user.id);
        assert.ok(credential);
        await store.passwords.upsert({ ...credential, updatedAt: Date.now() - 400 * 24 * 60 * 60 * 1000 });
        assert.ok((await signIn(server(), tt, tt.email, tt.password)).ok);
      });

      it('C17/C18: password fields are masked with the right autocomplete and nothing blocks paste; no page asks for a hint or a security question', async () => {
        const tt = await tenant();
        const pages: Record<string, Page> = {};
        const first = await begin(server(), tt);
        pages.email = first.page;
        pages.password = await passwordPage(first.journey, first.page, tt.email);
        pages.resetCode = await first.journey.submit(pages.password, '/forgot');
        pages.newPassword = await first.journey.submit(pages.resetCode, '/reset/code', { code: codeIn(await nthMail(mailbox(), tt.email, 0)) });
        const second = await begin(server(), tt);
        pages.signUpEmail = await second.journey.open(`${second.page.url.split('?')[0]}/sign-up`);
        pages.details = (await signUpToDetails(server(), mailbox(), tt, newAddress())).details;

        const inputs = (html: string) => [...html.matchAll(/<input\b[^>]*>/g)].map((m) => m[0]);
        const attr = (input: string, name: string) => input.match(new RegExp(`\\s${name}="([^"]*)"`))?.[1];
        const passwordInputs = (html: string) => inputs(html).filter((i) => attr(i, 'name') === 'password' || attr(i, 'name') === 'confirm');
        assert.deepEqual(
          passwordInputs(pages.password.html).map((i) => [attr(i, 'type'), attr(i, 'autocomplete')]),
          [['password', 'current-password']],
        );
        for (const where of ['newPassword', 'details'] as const) {
          assert.deepEqual(
            passwordInputs(pages[where]?.html ?? '').map((i) => [attr(i, 'type'), attr(i, 'autocomplete')]),
            [
              ['password', 'new-password'],
              ['password', 'new-password'],
            ],
            where,
          );
        }
        const allowed = new Set(['flow', 'csrf', 'email', 'username', 'password', 'confirm', 'code', 'displayName']);
        for (const [where, page] of Object.entries(pages)) {
          assert.equal(page.status, 200, where);
          assert.doesNotMatch(page.html, /\son(paste|copy|cut|drop|contextmenu)\s*=/i, `${where}: a handler that could block paste`);
          assert.doesNotMatch(page.html, /autocomplete="off"/i, `${where}: autocomplete off keeps password managers out`);
          assert.doesNotMatch(page.html, /security question|secret question|password hint|memorable|maiden name/i, where);
          for (const input of inputs(page.html)) assert.ok(allowed.has(attr(input, 'name') ?? ''), `${where}: unexpected field ${input}`);
        }
      });

      it('C17: the password fields offer a way to show the password, driven by a same-origin script the CSP allows', async () => {
        const tt = await tenant();
        const { journey, page } = await begin(server(), tt);
        const html = (await passwordPage(journey, page, tt.email)).html;
        assert.match(html, /<button type="button" class="show-password" data-fields="password" aria-pressed="false" hidden="">Show password<\/button>/);
        assert.match(html, /<script src="\/static\/latchkey.js" defer=""><\/script>/);
        const script = await fetch(`${server().baseUrl}/static/latchkey.js`);
        assert.equal(script.status, 200);
        assert.match(script.headers.get('content-type') ?? '', /^text\/javascript/);
        assert.match(await script.text(), /aria-pressed/);
        assert.match(script.headers.get('content-security-policy') ?? '', /script-src 'self'(;|$)/);
      });

      it('C19: a password an operator chose (CLI user create, admin API) must be changed at the first sign-in, and the audit log names the operator', async () => {
        const tt = await tenant();
        const email = `operator.${randomBytes(4).toString('hex')}@example.com`;
        // The path `latchkey user create --password-stdin` and POST /admin/v1/tenants/{t}/users take.
        const created = await server().latchkey.services.resources.users.create(tt.tenant.id, { email, password: GOOD_PASSWORD }, 'cli');
        const { landed, ok } = await signIn(server(), tt, email, GOOD_PASSWORD);
        assert.equal(ok, false, 'the first sign-in with the operator-set password went straight to the app');
        assert.match(landed.html, /Choose a new password/);
        const audit = await server().latchkey.services.deps.store.auditLog.list(tt.tenant.id, 20);
        assert.ok(audit.some((e) => e.actor === 'cli' && e.action === 'user.created' && e.target === created.view.id));
      });

      it('C20: a wrong password shorter than the minimum gets the same generic answer as a long wrong one (no length oracle)', async () => {
        const tt = await tenant();
        const answers: string[] = [];
        for (const password of ['abc', 'a long but wrong password']) {
          const { journey, page } = await begin(server(), tt);
          const after = await journey.submit(await passwordPage(journey, page, tt.email), '/password', { password });
          assert.match(alertOf(after) ?? '', GENERIC);
          answers.push(comparable(after));
        }
        assert.equal(answers[0], answers[1]);
        assert.doesNotMatch(answers[0] ?? '', /at least|too short/i);
      });
    });
  }
});
