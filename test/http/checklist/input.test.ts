import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { installation } from '../../fixtures/child-server.ts';
import { type Journey, type Page, codeIn, nthMail } from '../../fixtures/journey.ts';
import { dialects } from '../../fixtures/server.ts';
import { createTestTenant } from '../../fixtures/tenants.ts';
import {
  GOOD_PASSWORD,
  actionUrl,
  addUser,
  alertOf,
  answerOf,
  authorizeUrl,
  begin,
  openPage,
  passwordPage,
  signIn,
  signUpToDetails,
  sleep,
  submitDetails,
  suite,
} from './support.ts';

/**
 * Section I of the security checklist (input validation), at the hosted pages' forms and the
 * token endpoint. Property-based fuzzing of the same routes lives in test/fuzz (sections G and I).
 */

const newAddress = () => `new.${randomBytes(4).toString('hex')}@example.com`;

/** What must never reach a client: a stack trace, a module path, SQL or a driver name. */
const LEAK = /\bat [\w.<>]+ \(|node_modules|\.ts:\d+|\bSELECT\b|\bINSERT\b|\bUPDATE\b.+\bSET\b|sqlite|postgres|kysely|TypeError|ReferenceError/i;

/** POSTs a raw body with `contentType` to `url` with the journey's cookies. */
async function postRaw(journey: Journey, url: string, contentType: string, body: string | Buffer, accept = 'text/html') {
  return answerOf(await journey.browser.request(url, { method: 'POST', headers: { 'content-type': contentType, accept }, body: body as string }));
}

/** The password page of a fresh journey, and the URL of its form. */
async function passwordForm(server: Parameters<typeof begin>[0], tt: Parameters<typeof begin>[1], email: string) {
  const { journey, page } = await begin(server, tt);
  const pw = await passwordPage(journey, page, email);
  return { journey, pw, url: actionUrl(journey, pw, '/password') };
}

const json = (page: Page, fields: Record<string, unknown>) => JSON.stringify({ flow: page.flow, csrf: page.csrf, ...fields });

// The suites of each database run side by side (each test within a suite runs alone).
describe('checklist I', { concurrency: true }, () => {
  for (const dialect of dialects()) {
    describe(`checklist I, input validation (${dialect})`, { concurrency: 1 }, () => {
      const { server, mailbox, tenant } = suite(dialect, { mail: true });

      it('I1: malformed bodies to every hosted form and the token endpoint get a generic 4xx, never a 500, a stack trace or SQL', async () => {
        const tt = await tenant();
        const { journey, pw } = await passwordForm(server(), tt, tt.email);
        const base = pw.url.split('?')[0] ?? '';
        const routes = ['/email', '/password', '/forgot', '/change-email', '/use-code', '/sign-up/email', '/sign-up/code', '/sign-up/resend', '/sign-up/details', '/reset/code', '/reset/resend', '/reset/password', '/code/verify', '/code/resend'];
        const bodies: [string, string][] = [
          ['application/json', '{"flow": "x", "csrf": '],
          ['application/json', 'null'],
          ['application/json', '[]'],
          ['application/json', '"a string"'],
          ['application/json', ''],
          ['application/x-www-form-urlencoded', ''],
          ['text/plain', 'flow=x&csrf=y'],
          ['application/xml', '<flow>x</flow>'],
          ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="flow"\r\n\r\nx\r\n--x--'],
        ];
        for (const route of routes) {
          for (const [contentType, body] of bodies) {
            for (const accept of ['text/html', 'application/json']) {
              const answer = await postRaw(journey, `${base}${route}`, contentType, body, accept);
              const what = `${route} ${contentType} ${JSON.stringify(body)} (${accept})`;
              assert.ok([400, 413, 415].includes(answer.status), `${what}: ${answer.status}`);
              assert.doesNotMatch(answer.body, LEAK, what);
            }
          }
        }
        const token = `${server().baseUrl}/${tt.tenant.name}/oauth2/v2.0/token`;
        for (const [contentType, body] of [...bodies, ['application/x-www-form-urlencoded', 'grant_type=%E2%82&client_id=%ZZ']] as [string, string][]) {
          const response = await fetch(token, { method: 'POST', headers: { 'content-type': contentType }, body });
          const text = await response.text();
          assert.ok(response.status >= 400 && response.status < 500, `token ${contentType} ${JSON.stringify(body)}: ${response.status}`);
          assert.doesNotMatch(text, LEAK);
        }
      });

      it('I1: a form or JSON body with a truncated UTF-8 sequence is refused with 400', async () => {
        const tt = await tenant();
        const { journey, pw, url } = await passwordForm(server(), tt, tt.email);
        const truncated = Buffer.from([0xe2, 0x82]);
        const form = await postRaw(journey, url, 'application/x-www-form-urlencoded', Buffer.concat([Buffer.from(`flow=${pw.flow}&csrf=${pw.csrf}&password=ab`), truncated]));
        const asJson = await postRaw(journey, url, 'application/json', Buffer.concat([Buffer.from(`{"flow":"${pw.flow}","csrf":"${pw.csrf}","password":"ab`), truncated, Buffer.from('"}')]));
        assert.deepEqual([form.status, asJson.status], [400, 400]);
      });

      it('I1: a NUL character in a form field, a JSON field or the path is refused with 400 on every database; a password may hold one (C7)', async () => {
        const tt = await tenant();
        const { journey, pw, url } = await passwordForm(server(), tt, tt.email);
        const inPath = await postRaw(journey, url.replace(`/${tt.tenant.name}/`, '/%00/'), 'application/x-www-form-urlencoded', `flow=${pw.flow}&csrf=${pw.csrf}&password=x`);
        const inQuery = await journey.browser.get(`${url.split('/password')[0]}?flow=${pw.flow}%00`);
        const nulPassword = await postRaw(journey, url, 'application/x-www-form-urlencoded', `flow=${pw.flow}&csrf=${pw.csrf}&password=a%00b`);
        const signUp = await begin(server(), tt);
        const emailUrl = actionUrl(signUp.journey, signUp.page, '/email');
        const form = await postRaw(signUp.journey, emailUrl, 'application/x-www-form-urlencoded', `flow=${signUp.page.flow}&csrf=${signUp.page.csrf}&email=a%00@example.com`);
        const asJson = await postRaw(signUp.journey, emailUrl, 'application/json', json(signUp.page, { email: 'a\u0000@example.com' }));
        const asKey = await postRaw(signUp.journey, emailUrl, 'application/json', json(signUp.page, { email: tt.email, 'x\u0000': 1 }));
        assert.deepEqual([inPath.status, inQuery.status, form.status, asJson.status, asKey.status], [400, 400, 400, 400, 400]);
        assert.equal(nulPassword.status, 303, 'a password with a NUL is checked like any other (here: wrong)');
      });

      it('I2: an array or an object where a string belongs gets 400 and signs nobody in', async () => {
        const tt = await tenant();
        const { journey, pw, url } = await passwordForm(server(), tt, tt.email);
        for (const password of [['a', 'b'], [tt.password, tt.password], { $ne: null }, { $gt: '' }]) {
          const answer = await postRaw(journey, url, 'application/json', json(pw, { password }));
          assert.equal(answer.status, 400, JSON.stringify(password));
        }
        const email = await begin(server(), tt);
        for (const value of [['a@x.com', 'b@x.com'], { $gt: '' }]) {
          assert.equal((await postRaw(email.journey, actionUrl(email.journey, email.page, '/email'), 'application/json', json(email.page, { email: value }))).status, 400);
        }
        assert.deepEqual(await server().latchkey.services.deps.store.signInLog.list(tt.tenant.id, 5), [], 'no sign-in attempt was even made');
      });

      it('I2: a number, a boolean or null where a string belongs gets a strict-type 400', async () => {
        const tt = await tenant();
        const { journey, pw, url } = await passwordForm(server(), tt, tt.email);
        const statuses = [];
        for (const password of [12345678, true, null]) statuses.push((await postRaw(journey, url, 'application/json', json(pw, { password }))).status);
        assert.deepEqual(statuses, [400, 400, 400]);
      });

      it('I3: __proto__ and constructor.prototype in JSON or form bodies are refused or ignored and pollute nothing', async () => {
        const tt = await tenant();
        const { journey, pw, url } = await passwordForm(server(), tt, tt.email);
        const probes: [string, string][] = [
          ['application/json', `{"flow":"${pw.flow}","csrf":"${pw.csrf}","password":"x","__proto__":{"isAdmin":true,"polluted":1}}`],
          ['application/json', `{"flow":"${pw.flow}","csrf":"${pw.csrf}","password":"x","constructor":{"prototype":{"polluted":1}}}`],
          ['application/x-www-form-urlencoded', `flow=${pw.flow}&csrf=${pw.csrf}&password=x&__proto__%5BisAdmin%5D=true&__proto__=polluted&constructor%5Bprototype%5D%5Bpolluted%5D=1`],
        ];
        for (const [contentType, body] of probes) {
          const answer = await postRaw(journey, url, contentType, body);
          assert.ok([303, 400].includes(answer.status), `${contentType}: ${answer.status}`);
        }
        const { journey: signUp, details } = await signUpToDetails(server(), mailbox(), tt, newAddress());
        const detailsUrl = actionUrl(signUp, details, '/sign-up/details');
        await postRaw(signUp, detailsUrl, 'application/json', json(details, { password: 'x', confirm: 'x', displayName: 'P', __proto__: { polluted: 1 } }));
        await postRaw(signUp, detailsUrl, 'application/x-www-form-urlencoded', `flow=${details.flow}&csrf=${details.csrf}&password=x&confirm=x&displayName=P&__proto__=1&constructor=1&hasOwnProperty=1`);
        const probe: Record<string, unknown> = {};
        assert.equal(probe.polluted, undefined, 'Object.prototype of the server process is clean');
        assert.equal(probe.isAdmin, undefined);
        assert.equal(typeof probe.hasOwnProperty, 'function');
        assert.ok((await signIn(server(), tt, tt.email, tt.password)).ok, 'the server still works normally');
      });

      it('I4: SQL and NoSQL payloads in the address, login_hint and code are treated as data', async () => {
        const tt = await tenant();
        const { store } = server().latchkey.services.deps;
        const usersBefore = await store.users.list(tt.tenant.id, { limit: 50 });
        for (const email of ["a'or'1'='1@x.com", "alex'--@example.com", `${tt.email}'--`, "x@example.com' OR '1'='1", '{"$gt":""}@x.com']) {
          const { journey, page } = await begin(server(), tt);
          const next = await journey.submit(page, '/email', { email });
          assert.doesNotMatch(next.html, LEAK, email);
          if (alertOf(next) === 'Enter a valid email address.') continue; // refused as an address: data, not a query
          const after = await journey.submit(next, '/password', { password: "' OR '1'='1" });
          assert.equal(journey.reachedApp(after), false, email);
          assert.match(alertOf(after) ?? '', /Your email address or password is incorrect/, email);
        }
        const { journey } = await begin(server(), tt);
        const hinted = await openPage(journey, authorizeUrl(server(), tt, { login_hint: "x' OR '1'='1@x.com" }).url.href);
        assert.equal(hinted.status, 200);
        const reset = await begin(server(), tt);
        const codePage = await reset.journey.submit(await passwordPage(reset.journey, reset.page, tt.email), '/forgot');
        for (const code of ["' OR '1'='1", '1 OR 1=1', '{"$ne":null}']) {
          const after = await reset.journey.submit(codePage, '/reset/code', { code });
          assert.match(alertOf(after) ?? '', /wrong or has expired/, code);
        }
        assert.deepEqual(await store.users.list(tt.tenant.id, { limit: 50 }), usersBefore, 'no user was added, changed or lost');
      });

      it('I5: markup in a display name or a login_hint is shown escaped on the hosted pages', async () => {
        const tt = await tenant();
        const hostile = '"><img src=x onerror=alert(1)><script>alert(2)</script>';
        const { journey, details } = await signUpToDetails(server(), mailbox(), tt, newAddress());
        const again = await submitDetails(journey, details, 'short', hostile);
        assert.ok(alertOf(again), 'the details page came back with an error');
        assert.ok(!again.html.includes('<img src=x') && !again.html.includes('<script>alert(2)'), 'the typed name is not markup');
        assert.match(again.html, /&quot;&gt;&lt;img src=x onerror=alert\(1\)&gt;/);

        const hinted = await openPage((await begin(server(), tt)).journey, authorizeUrl(server(), tt, { login_hint: `a${hostile}@x.com` }).url.href);
        assert.equal(hinted.status, 200);
        assert.ok(!hinted.html.includes('<img src=x') && !hinted.html.includes('<script>alert(2)'));
        assert.ok(journey.reachedApp(await submitDetails(journey, again, GOOD_PASSWORD, hostile)), 'the name itself is allowed, as data');
      });

      it('I6: an address with CRLF and a Bcc header is refused at sign-up and at sign-in, and nothing is mailed to either address', async () => {
        const tt = await tenant();
        const victim = `victim.${randomBytes(3).toString('hex')}@example.com`;
        const attacker = `attacker.${randomBytes(3).toString('hex')}@example.com`;
        for (const injected of [`${victim}\r\nBcc: ${attacker}`, `${victim}\nBcc: ${attacker}`, `${victim}%0d%0aBcc: ${attacker}`, `"${victim}\r\nBcc: ${attacker}"`]) {
          const { journey, page } = await begin(server(), tt);
          const signUp = await journey.submit(await journey.open(`${page.url.split('?')[0]}/sign-up`), '/sign-up/email', { email: injected });
          assert.equal(alertOf(signUp), 'Enter a valid email address.', JSON.stringify(injected));
          const other = await begin(server(), tt);
          const signInPage = await other.journey.submit(other.page, '/email', { email: injected });
          assert.equal(alertOf(signInPage), 'Enter a valid email address.', 'the sign-in email step refuses it too');
          assert.doesNotMatch(signInPage.html, /Forgot password\?/, 'so no reset can start for it');
        }
        await sleep(400);
        assert.equal(mailbox().countFor(victim) + mailbox().countFor(attacker), 0);
      });

      it('I7: one canonical address: case, width and whitespace variants are the same account at sign-in, reset and sign-up', async () => {
        const tt = await tenant();
        const [local, domain] = tt.email.split('@') as [string, string];
        const fullWidth = [...`${local.toUpperCase()}@${domain.toUpperCase()}`].map((c) => (c >= '!' && c <= '~' ? String.fromCodePoint(c.codePointAt(0)! + 0xfee0) : c)).join('');
        assert.ok((await signIn(server(), tt, `  ${fullWidth} `, tt.password)).ok, 'full-width, upper case, padded');
        const reset = await begin(server(), tt);
        await reset.journey.submit(await passwordPage(reset.journey, reset.page, ` ${tt.email.toUpperCase()}`), '/forgot');
        assert.match(codeIn(await nthMail(mailbox(), tt.email, 0)), /^\d{8}$/, 'the reset code went to the account');
        const { journey, page } = await begin(server(), tt);
        await journey.submit(await journey.open(`${page.url.split('?')[0]}/sign-up`), '/sign-up/email', { email: fullWidth });
        const notice = await nthMail(mailbox(), tt.email, 1);
        assert.doesNotMatch(notice.subject, /^\d/, 'sign-up of a variant tells the owner instead of mailing a code');
      });

      it('I7: an internationalised domain and its punycode form are the same account', async () => {
        const tt = await tenant();
        const local = `ida.${randomBytes(3).toString('hex')}`;
        await addUser(server(), tt, GOOD_PASSWORD, `${local}@bücher.example`);
        const { journey, page } = await begin(server(), tt);
        await journey.submit(await journey.open(`${page.url.split('?')[0]}/sign-up`), '/sign-up/email', { email: `${local}@xn--bcher-kva.example` });
        // The test SMTP server shows the punycode domain in Unicode: either spelling is the same mailbox.
        const spellings = [`${local}@bücher.example`, `${local}@xn--bcher-kva.example`];
        let mail = mailbox().received.find((m) => m.to.some((to) => spellings.includes(to)));
        for (let waited = 0; !mail && waited < 5_000; waited += 50) {
          await sleep(50);
          mail = mailbox().received.find((m) => m.to.some((to) => spellings.includes(to)));
        }
        assert.ok(mail, 'the sign-up mailed something (a code or a notice)');
        assert.doesNotMatch(mail.subject, /^\d/, 'a sign-up code was mailed for an address that already has an account');
      });

      it('I8: oversize requests are refused quickly and the server keeps serving', async () => {
        const tt = await tenant();
        const { journey, pw, url } = await passwordForm(server(), tt, tt.email);
        const status = (r: Response) => r.text().then(() => r.status);
        const timed = async (what: string, run: () => Promise<number>, expected: number[]) => {
          const started = performance.now();
          const status = await run();
          const ms = performance.now() - started;
          assert.ok(expected.includes(status), `${what}: ${status}`);
          assert.ok(ms < 2_000, `${what}: ${ms.toFixed(0)} ms`);
        };
        const big = (contentType: string, body: string) => () => fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body }).then(status);
        await timed('10 MB form body', big('application/x-www-form-urlencoded', `flow=${pw.flow}&csrf=${pw.csrf}&password=${'a'.repeat(10 * 1024 * 1024)}`), [413]);
        await timed('10 MB JSON body', big('application/json', json(pw, { password: 'a'.repeat(10 * 1024 * 1024) })), [413]);
        await timed('10,000 form fields', async () => (await postRaw(journey, url, 'application/x-www-form-urlencoded', Array.from({ length: 10_000 }, (_, i) => `k${i}=v`).join('&'))).status, [400, 413]);
        await timed('10,000 JSON keys', async () => (await postRaw(journey, url, 'application/json', JSON.stringify(Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, 'v']))))).status, [400, 413]);
        await timed('JSON nested 10,000 deep', async () => (await postRaw(journey, url, 'application/json', `${'['.repeat(10_000)}${']'.repeat(10_000)}`)).status, [400, 413]);
        await timed('JSON objects nested 5,000 deep', async () => (await postRaw(journey, url, 'application/json', `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`)).status, [400, 413]);
        await timed('100 kB header', () => fetch(`${server().baseUrl}/health`, { headers: { 'x-big': 'a'.repeat(100_000) } }).then(status), [431]);
        await timed('1 MB query string', () => fetch(`${server().baseUrl}/${tt.tenant.name}/oauth2/v2.0/authorize?x=${'a'.repeat(1024 * 1024)}`).then(status), [414, 431]);
        await timed('10 MB at the token endpoint', () => fetch(`${server().baseUrl}/${tt.tenant.name}/oauth2/v2.0/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `x=${'a'.repeat(10 * 1024 * 1024)}` }).then(status), [400, 413]);
        assert.equal((await fetch(`${server().baseUrl}/health`)).status, 200);
        assert.ok((await signIn(server(), tt, tt.email, tt.password)).ok);
      });

      it('I9: duplicated form fields get 400 on sign-in, reset and sign-up; a duplicated flow query parameter is ignored', async () => {
        const tt = await tenant();
        const form = (page: Page, extra: string) => `flow=${page.flow}&csrf=${page.csrf}&${extra}`;
        const { journey, page } = await begin(server(), tt);
        const duplicated = [
          [page, '/email', form(page, `email=${encodeURIComponent(tt.email)}&email=other%40example.com`)],
        ] as [Page, string, string][];
        const pw = await passwordPage(journey, page, tt.email);
        const password = encodeURIComponent(tt.password);
        duplicated.push(
          [pw, '/password', form(pw, `password=${password}&password=x`)],
          [pw, '/password', `flow=${pw.flow}&flow=${pw.flow}&csrf=${pw.csrf}&password=${password}`],
          [pw, '/password', `flow=${pw.flow}&csrf=${pw.csrf}&csrf=${pw.csrf}&password=${password}`],
        );
        for (const [on, suffix, body] of duplicated) assert.equal((await postRaw(journey, actionUrl(journey, on, suffix), 'application/x-www-form-urlencoded', body)).status, 400, body);
        const codePage = await journey.submit(pw, '/forgot');
        const code = codeIn(await nthMail(mailbox(), tt.email, 0));
        assert.equal((await postRaw(journey, actionUrl(journey, codePage, '/reset/code'), 'application/x-www-form-urlencoded', form(codePage, `code=${code}&code=00000000`))).status, 400, 'code=right&code=wrong');
        assert.match((await journey.submit(codePage, '/reset/code', { code })).html, /Confirm password/, 'the code was not used up by the refused request');
        const signUp = await begin(server(), tt);
        const signUpEmail = await signUp.journey.open(`${signUp.page.url.split('?')[0]}/sign-up`);
        assert.equal((await postRaw(signUp.journey, actionUrl(signUp.journey, signUpEmail, '/sign-up/email'), 'application/x-www-form-urlencoded', form(signUpEmail, 'email=a%40example.com&email=b%40example.com'))).status, 400);
        const doubled = await openPage(signUp.journey, `${signUp.page.url.split('?')[0]}?flow=${signUp.page.flow}&flow=${signUp.page.flow}`);
        assert.equal(doubled.status, 200, 'a new sign-in page, not an error');
        assert.notEqual(doubled.flow, signUp.page.flow, 'the doubled flow parameter was not used');
      });

      it('I10: a code is read as ASCII digits with spaces removed: full-width, Arabic-Indic and all-zero forms are wrong, the right code with spaces is right', async () => {
        const tt = await tenant();
        const { journey, page } = await begin(server(), tt);
        let codePage = await journey.submit(await passwordPage(journey, page, tt.email), '/forgot');
        const code = codeIn(await nthMail(mailbox(), tt.email, 0));
        const fullWidth = [...code].map((d) => String.fromCodePoint(0xff10 + Number(d))).join('');
        const arabicIndic = [...code].map((d) => String.fromCodePoint(0x0660 + Number(d))).join('');
        for (const variant of [fullWidth, arabicIndic, '0'.repeat(code.length) === code ? '1'.repeat(code.length) : '0'.repeat(code.length)]) {
          codePage = await journey.submit(codePage, '/reset/code', { code: variant });
          assert.match(alertOf(codePage) ?? '', /wrong or has expired/, variant);
        }
        const spaced = `${code.slice(0, 4)} ${code.slice(4)} `;
        const next = await journey.submit(codePage, '/reset/code', { code: spaced });
        assert.match(next.html, /Confirm password/, 'the right code with spaces is accepted');
      });
    });
  }

  describe('checklist I11, log injection (sqlite, a real server process)', { concurrency: 1 }, () => {
    it('I11: a newline in an address or a login_hint cannot forge a log line: every line the server logs is one JSON object', async (t) => {
      const inst = await installation(t, { env: { LOG_LEVEL: 'trace' } });
      const tt = await createTestTenant(inst.asTestServer);
      const child = await inst.start();
      const forged = '2026-01-01 INFO login success user=admin';
      const { journey, page } = await begin(inst.asTestServer, tt);
      await journey.submit(page, '/email', { email: `x\n${forged}\r\n{"level":30,"msg":"login success"}@example.com` });
      await openPage(journey, authorizeUrl(inst.asTestServer, tt, { login_hint: `x\n${forged}@x.com` }).url.href);
      await fetch(`${inst.baseUrl}/health?q=${encodeURIComponent(`\n${forged}`)}`);
      await sleep(200);
      // Besides pino's JSON lines, the process prints only its start-up banner and runtime warnings.
      const banner = /^(oidc-provider (WARNING|NOTICE)|Latchkey is ready at | {2}(Demo|Dev mailbox)|\(node:\d+\)|\(Use `node --trace-warnings)/;
      const lines = child.output().split('\n').filter((line) => line.trim() !== '' && !banner.test(line));
      assert.ok(lines.length > 5, 'the server logged the requests');
      assert.ok(lines.some((line) => line.includes('2026-01-01')), 'the payload reached the log, as data inside a JSON line');
      for (const line of lines) {
        assert.doesNotThrow(() => JSON.parse(line), `not one JSON object: ${line.slice(0, 200)}`);
        assert.ok(!line.startsWith(forged));
      }
    });
  });
});
