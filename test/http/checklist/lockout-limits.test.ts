import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import type { AppId } from '../../../src/core/ids.ts';
import { createLockout } from '../../../src/core/credentials/lockout.ts';
import { RATE_LIMITS } from '../../../src/core/policies/rate-limits.ts';
import { installation } from '../../fixtures/child-server.ts';
import { type Journey, type Page, codeIn, nthMail } from '../../fixtures/journey.ts';
import { dialects, type TestServer } from '../../fixtures/server.ts';
import { createTestTenant, type TestTenant } from '../../fixtures/tenants.ts';
import {
  type Answer,
  type ChecklistTenant,
  alertOf,
  begin,
  freshIp,
  onNode,
  passwordPage,
  postForm,
  redisUrl,
  secondNode,
  sendFrom,
  signIn,
  sleep,
  suite,
  usedIps,
} from './support.ts';

/**
 * Section D of the security checklist (lockout and rate limits), on one node and on two nodes
 * sharing their counters (PostgreSQL, or Redis in CI). Smart lockout policy: 10 failures lock
 * for 60 s, doubling per repeat within a day up to 15 min; at most 100 consecutive failures per
 * account (NIST 800-63B-4 §3.2.2), then locked until a self-service reset clears it.
 */

const unknownAddress = () => `nobody.${randomBytes(4).toString('hex')}@example.com`;

/** The newest sign-in log entry of `email` in the tenant. */
async function lastLogged(server: TestServer, tt: TestTenant, email: string) {
  const log = await server.latchkey.services.deps.store.signInLog.list(tt.tenant.id, 50);
  return log.find((e) => e.email === email);
}

/** `times` wrong passwords on one password page, POSTed without following; returns each answer. */
async function wrongPasswords(journey: Journey, page: Page, times: number, headers: () => Record<string, string> = () => ({})): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let i = 0; i < times; i++) answers.push(await postForm(journey, page, '/password', { password: `wrong password ${randomBytes(3).toString('hex')}` }, headers()));
  return answers;
}

/** `lanes` journeys side by side (each from its own client address unless `ip` is given), `each` wrong passwords per journey. */
async function failInLanes(server: TestServer, tt: TestTenant, email: string, lanes: number, each: number, ip?: string, headers?: () => Record<string, string>) {
  const answers = await Promise.all(
    Array.from({ length: lanes }, async () => {
      const { journey, page } = await begin(server, tt, ip);
      return wrongPasswords(journey, await passwordPage(journey, page, email), each, headers);
    }),
  );
  return answers.flat();
}

function statuses(answers: Answer[]): Record<number, number> {
  const count: Record<number, number> = {};
  for (const { status } of answers) count[status] = (count[status] ?? 0) + 1;
  return count;
}


// The suites of each database run side by side (each test within a suite runs alone).
describe('checklist D', { concurrency: true }, () => {
  for (const dialect of dialects()) {
    describe(`checklist D, lockout and limits (${dialect})`, { concurrency: 1 }, () => {
      const { server, mailbox, tenant } = suite(dialect, { mail: true });

      it('D1: 100 consecutive wrong passwords from 10 client addresses lock the account for good, even under a lax smart lockout; the right password is then refused', async () => {
        const tt = await tenant({ policies: { lockout: { threshold: 1000 } } });
        const answers = await failInLanes(server(), tt, tt.email, 10, 10);
        assert.deepEqual(statuses(answers), { 303: 100 });
        const lockout = createLockout(server().latchkey.services.deps.counters);
        assert.equal(await lockout.lockedFor(tt.tenant.id, tt.email), Number.POSITIVE_INFINITY, 'locked until cleared (grey-box)');
        const { ok, landed } = await signIn(server(), tt, tt.email, tt.password);
        assert.equal(ok, false);
        assert.match(alertOf(landed) ?? '', /Your email address or password is incorrect/);
        assert.equal((await lastLogged(server(), tt, tt.email))?.reason, 'locked');
      });

      it('D2/D4: each lock lasts longer (60 s, then 120 s); while locked the right password is refused and attempts neither count nor extend the lock; once it ends the right password signs in', async () => {
        const tt = await tenant({ policies: { lockout: { threshold: 2 } } }); // default lengths: 60 s, doubling, at most 15 min
        const { counters } = server().latchkey.services.deps;
        const lockout = createLockout(counters);
        const key = (kind: string) => `lockout:${kind}:${tt.tenant.id}:${tt.email}`;
        const { journey, page } = await begin(server(), tt);
        const pw = await passwordPage(journey, page, tt.email);
        await wrongPasswords(journey, pw, 2);
        const first = await lockout.lockedFor(tt.tenant.id, tt.email);
        assert.ok(first > 50_000 && first <= 60_000, `first lock ${first} ms`);

        assert.equal((await signIn(server(), tt, tt.email, tt.password)).ok, false, 'the right password is refused while locked');
        await wrongPasswords(journey, pw, 3);
        assert.equal((await counters.peek(key('failures'))).count, 0, 'attempts during the lock are not counted');
        assert.ok((await lockout.lockedFor(tt.tenant.id, tt.email)) <= first, 'nor do they extend it');
        assert.equal((await lastLogged(server(), tt, tt.email))?.reason, 'locked');

        // The lock ends when its counter window closes (window expiry: test/counters/counters.contract.test.ts); close it now.
        await counters.reset(key('lock'));
        assert.ok((await signIn(server(), tt, tt.email, tt.password)).ok, 'the right password signs in once the lock ends');

        const again = await begin(server(), tt);
        await wrongPasswords(again.journey, await passwordPage(again.journey, again.page, tt.email), 2);
        const second = await lockout.lockedFor(tt.tenant.id, tt.email);
        assert.ok(second > 110_000 && second <= 120_000, `the second lock (${second} ms) is twice the first`);
      });

      it('D5: an empty and a missing password count as failures: three of them lock the account (threshold 3)', async () => {
        const tt = await tenant({ policies: { lockout: { threshold: 3 } } });
        const { journey, page } = await begin(server(), tt);
        const pw = await passwordPage(journey, page, tt.email);
        for (const fields of [{ password: '' }, {}, { password: '' }] as Record<string, string>[]) assert.equal((await postForm(journey, pw, '/password', fields)).status, 303);
        assert.equal((await signIn(server(), tt, tt.email, tt.password)).ok, false);
        assert.equal((await lastLogged(server(), tt, tt.email))?.reason, 'locked');
      });

      it('D5: an empty or missing passcode counts as a wrong one: five of them end the reset flow, and the right code is then refused', async () => {
        const tt = await tenant();
        const { journey, page } = await begin(server(), tt);
        let current = await journey.submit(await passwordPage(journey, page, tt.email), '/forgot');
        const code = codeIn(await nthMail(mailbox(), tt.email, 0));
        for (const fields of [{ code: '' }, {}, { code: ' ' }, { code: '' }] as Record<string, string>[]) {
          current = await journey.submit(current, '/reset/code', fields);
          assert.match(alertOf(current) ?? '', /wrong or has expired/);
        }
        const fifth = await journey.submit(current, '/reset/code', {});
        assert.match(fifth.html, /Too many wrong codes/);
        const answer = await postForm(journey, current, '/reset/code', { code });
        const after = await journey.open(answer.location ?? current.url);
        assert.doesNotMatch(after.html, /Confirm password/, 'the right code no longer works');
      });

      it('D6: wrong passwords and wrong emailed codes count against one per-account counter', async () => {
        const tt = await tenant({ methods: ['email_password', 'email_otp'], policies: { lockout: { threshold: 3 } } });
        const { journey, page } = await begin(server(), tt);
        const pw = await passwordPage(journey, page, tt.email);
        await wrongPasswords(journey, pw, 2);
        const codePage = await journey.submit(pw, '/use-code');
        assert.match(codePage.html, /Enter code/);
        const wrongCode = await journey.submit(codePage, '/code/verify', { code: '00000000' });
        assert.match(alertOf(wrongCode) ?? '', /wrong or has expired/);
        assert.equal((await signIn(server(), tt, tt.email, tt.password)).ok, false, 'the third failure (a wrong code) did not lock the account');
        // And the other way round: while locked, the right emailed code does not sign in either.
        const other = await begin(server(), tt);
        const codeStep = await other.journey.submit(await passwordPage(other.journey, other.page, tt.email), '/use-code');
        const landed = await other.journey.submit(codeStep, '/code/verify', { code: codeIn(await nthMail(mailbox(), tt.email, 1)) });
        assert.equal(other.journey.reachedApp(landed), false, 'a code signed in to a locked account');
        assert.equal((await lastLogged(server(), tt, tt.email))?.reason, 'locked');
      });

      it('D9: one client address gets at most 30 sign-up and reset mails an hour: the 31st request gets 429 with Retry-After, and nothing more is mailed', async () => {
        const tt = await tenant();
        const ip = freshIp();
        const max = RATE_LIMITS.passcode_send_per_ip.max;
        const addresses = Array.from({ length: max + 1 }, () => unknownAddress());
        const forms = await Promise.all(
          addresses.map(async () => {
            const { journey, page } = await begin(server(), tt, ip);
            return { journey, page: await journey.open(`${page.url.split('?')[0]}/sign-up`) };
          }),
        );
        const answers = await Promise.all(forms.map(({ journey, page }, i) => postForm(journey, page, '/sign-up/email', { email: addresses[i] as string })));
        assert.deepEqual(statuses(answers), { 303: max, 429: 1 });
        const refused = answers.find((a) => a.status === 429);
        assert.ok(Number(refused?.retryAfter) > 0 && Number(refused?.retryAfter) <= 3600, `Retry-After ${refused?.retryAfter}`);

        const reset = await begin(server(), tt, ip);
        const forgot = await postForm(reset.journey, await passwordPage(reset.journey, reset.page, tt.email), '/forgot');
        assert.equal(forgot.status, 429, 'a reset from the same address shares the budget');
        const mailed = () => [...addresses, tt.email].reduce((n, a) => n + mailbox().countFor(a), 0);
        for (let waited = 0; mailed() < max && waited < 10_000; waited += 50) await sleep(50);
        await sleep(300);
        assert.equal(mailed(), max, 'exactly one mail per accepted request');
      });

      it('D10: rotating X-Forwarded-For, X-Real-IP and Forwarded on every request from one address does not escape the per-IP password limit', async () => {
        const tt = await tenant();
        const spoofed = () => {
          const fake = `203.0.113.${1 + Math.floor(Math.random() * 254)}`;
          return { 'x-forwarded-for': fake, 'x-real-ip': fake, forwarded: `for=${fake}` };
        };
        const max = RATE_LIMITS.password_per_ip.max;
        const answers = await failInLanes(server(), tt, unknownAddress(), 6, 11, freshIp(), spoofed);
        assert.deepEqual(statuses(answers), { 303: max, 429: 66 - max });
      });

      it('D11: wrong client secrets for one app are throttled within 1,000 tries, from any number of addresses, with 429 and Retry-After', async () => {
        // token_per_ip (oidc-mount) bounds one address at 1,200 a minute; the per-app budget of
        // failures (RATE_LIMITS.client_secret_failures) is what stops guessing from many addresses.
        const tt = await tenant();
        const { app, clientSecret: rightSecret } = await server().latchkey.services.apps.create({ tenantId: tt.tenant.id, name: 'Confidential', type: 'confidential', redirectUris: ['https://app.example/cb'] });
        const token = `${server().baseUrl}/${tt.tenant.name}/oauth2/v2.0/token`;
        const seen: number[] = [];
        const retryAfter: string[] = [];
        const attempt = async (secret = randomBytes(32).toString('base64url')) => {
          const response = await sendFrom(freshIp(), token, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${app.id as AppId}:${secret}`).toString('base64')}` },
            body: `grant_type=authorization_code&code=nothing&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&code_verifier=${'v'.repeat(43)}`,
          });
          if (response.status === 429) retryAfter.push(response.headers.get('retry-after') ?? '');
          await response.text();
          return response.status;
        };
        for (let batch = 0; batch < 40 && !seen.includes(429); batch++) seen.push(...(await Promise.all(Array.from({ length: 25 }, () => attempt()))));
        assert.ok(seen.every((s) => s === 401 || s === 429), `unexpected statuses ${[...new Set(seen)]}`);
        assert.ok(seen.includes(429), `${seen.length} wrong client secrets, none throttled`);
        assert.ok(seen.filter((s) => s === 401).length <= RATE_LIMITS.client_secret_failures.max + 25, `${seen.filter((s) => s === 401).length} secrets compared`);
        assert.ok(retryAfter.every((r) => Number(r) > 0 && Number(r) <= RATE_LIMITS.client_secret_failures.windowMs / 1000), `Retry-After ${retryAfter}`);
        // While throttled the secret is not compared at all, so even the right one gets 429: guessing learns nothing.
        assert.equal(await attempt(rightSecret ?? ''), 429);
      });
    });
  }

  describe('checklist D12, lockouts and throttles in the log (sqlite, a real server process)', { concurrency: 1 }, () => {
    it('D12: a lockout and a 429 are logged with tenant, account, client address and reason', async (t) => {
      const inst = await installation(t, { env: { LOG_LEVEL: 'info' } });
      const tt = await createTestTenant(inst.asTestServer, { email: `dana.${randomBytes(3).toString('hex')}@example.com` });
      await inst.services.deps.store.tenants.setPolicies(tt.tenant.id, { lockout: { threshold: 2 } });
      const child = await inst.start();
      const email = tt.user.email.toLowerCase();
      const { journey, page } = await begin(inst.asTestServer, tt);
      await wrongPasswords(journey, await passwordPage(journey, page, email), 2);
      for (let i = 0; i <= RATE_LIMITS.passcode_send_per_address.max; i++) {
        const reset = await begin(inst.asTestServer, tt);
        await postForm(reset.journey, await passwordPage(reset.journey, reset.page, email), '/forgot');
      }
      await sleep(200);
      const lines = child.output().split('\n').filter((line) => line.includes(tt.tenant.id) || line.includes(email));
      if (process.env.DEBUG_D12) console.log(lines.join('\n'));
      assert.ok(lines.some((line) => /lockout|"locked"|account locked/i.test(line)), 'no log line about the lockout names the tenant or the account');
      assert.ok(lines.some((line) => /rate_limited|throttl/i.test(line)), 'no log line about the throttle names the tenant or the account');
      // Both carry the tenant, the account (user id or keyed hash, never the address), the client address and the reason.
      const events = lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>).filter((e) => e.event);
      for (const kind of ['account_locked', 'rate_limited']) {
        const event = events.find((e) => e.event === kind);
        assert.ok(event, `a ${kind} event`);
        assert.equal(event.tenantId, tt.tenant.id);
        assert.ok(typeof event.account === 'string' && !event.account.includes('@'), `account ${event.account}`);
        assert.match(String(event.ip), /^\d+\.\d+\.\d+\.\d+$/);
        assert.ok(typeof event.reason === 'string' && event.reason.length > 0);
        assert.doesNotMatch(JSON.stringify(event), /wrong password|"\d{6,10}"/, 'no password or code');
      }
    });
  });

  // ---------------------------------------------------------------------------------------------
  // Two nodes sharing their counters

  const shared: { name: string; dialect: 'sqlite' | 'postgres'; env: Record<string, string>; skip: string | false }[] = [
    { name: 'PostgreSQL', dialect: 'postgres', env: {}, skip: dialects().includes('postgres') ? false : 'PostgreSQL only (CI=true)' },
    { name: 'Redis, on SQLite', dialect: 'sqlite', env: redisUrl ? { LATCHKEY_REDIS_URL: redisUrl } : {}, skip: redisUrl ? false : 'Redis only in CI (or LATCHKEY_TEST_REDIS_URL)' },
  ];

  for (const setup of shared) {
    describe(`checklist D across two nodes sharing ${setup.name}`, { skip: setup.skip, concurrency: 1 }, () => {
      const { server, tenant, onClose } = suite(setup.dialect, { env: setup.env, mail: true });
      let nodeB: TestServer | undefined;
      const tenants: ChecklistTenant[] = [];
      before(async () => {
        nodeB = await secondNode({ after: onClose }, server());
      });
      after(async () => {
        if (!redisUrl || !('LATCHKEY_REDIS_URL' in setup.env)) return;
        // The shared Redis outlives the test: drop every key of this suite's tenants and client addresses.
        const redis = new Redis(redisUrl);
        try {
          for (const pattern of [...tenants.map((tt) => `*${tt.tenant.id}*`), ...usedIps().map((ip) => `*:${ip}`)]) {
            const keys: string[] = [];
            let cursor = '0';
            do {
              const [next, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
              cursor = next;
              keys.push(...found);
            } while (cursor !== '0');
            if (keys.length > 0) await redis.del(...keys);
          }
        } finally {
          redis.disconnect();
        }
      });
      const b = () => {
        assert.ok(nodeB, 'node B is not started');
        return nodeB;
      };
      const twoNodeTenant = async (opts: Parameters<typeof tenant>[0] = {}) => {
        const tt = await tenant(opts);
        tenants.push(tt);
        return tt;
      };

      it('D1/J8: failures on two nodes add up: with threshold 3, two wrong passwords on node A and one on node B lock the account on both', async () => {
        const tt = await twoNodeTenant({ policies: { lockout: { threshold: 3 } } });
        await failInLanes(server(), tt, tt.email, 1, 2);
        await failInLanes(b(), onNode(b(), tt), tt.email, 1, 1);
        for (const node of [server(), b()]) {
          const { ok } = await signIn(node, onNode(node, tt), tt.email, tt.password);
          assert.equal(ok, false, `node ${node.baseUrl} let the right password in`);
        }
        assert.equal((await lastLogged(server(), tt, tt.email))?.reason, 'locked');
      });

      it('D1/J8: 100 wrong passwords split between the two nodes lock the account for good, on both', async () => {
        const tt = await twoNodeTenant({ policies: { lockout: { threshold: 1000 } } });
        const answers = (await Promise.all([failInLanes(server(), tt, tt.email, 5, 10), failInLanes(b(), onNode(b(), tt), tt.email, 5, 10)])).flat();
        assert.deepEqual(statuses(answers), { 303: 100 });
        for (const node of [server(), b()]) assert.equal((await signIn(node, onNode(node, tt), tt.email, tt.password)).ok, false);
        assert.equal(await createLockout(b().latchkey.services.deps.counters).lockedFor(tt.tenant.id, tt.email), Number.POSITIVE_INFINITY);
      });

      it('J8: the per-IP password limit is one budget: 30 attempts on node A and 31 on node B from one address, the 61st gets 429', async () => {
        const tt = await twoNodeTenant();
        const ip = freshIp();
        const onA = await failInLanes(server(), tt, unknownAddress(), 3, 10, ip);
        const onB = await failInLanes(b(), onNode(b(), tt), unknownAddress(), 1, 31, ip);
        assert.deepEqual(statuses(onA), { 303: 30 });
        assert.deepEqual(statuses(onB), { 303: 30, 429: 1 });
        assert.equal(onB.at(-1)?.status, 429);
      });

      it('J8: the mail limit per address is one budget: three reset mails through node A and two through node B, the sixth request gets 429', async () => {
        const tt = await twoNodeTenant();
        const forgot = async (node: TestServer) => {
          const { journey, page } = await begin(node, onNode(node, tt));
          return (await postForm(journey, await passwordPage(journey, page, tt.email), '/forgot')).status;
        };
        const seen = [];
        for (const node of [server(), server(), server(), b(), b(), b()]) seen.push(await forgot(node));
        assert.deepEqual(seen, [303, 303, 303, 303, 303, 429]);
      });
    });
  }
});
