import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { formFields } from '../../fixtures/http-browser.ts';
import { type Journey, type Page, comparable } from '../../fixtures/journey.ts';
import { dialects } from '../../fixtures/server.ts';
import { GOOD_PASSWORD, addUser, answerOf, begin, disableUser, freshIp, median, passwordPage, postForm, quantile, suite } from './support.ts';

/**
 * Section A of the security checklist (enumeration resistance): what the hosted pages answer for
 * an existing and an unknown address must not differ in status, redirect, cookies, page or time.
 * Checks covered elsewhere are listed in docs/security-checklist.md.
 */

/** Production Argon2 parameters, so that a missing dummy verification would show in the timings. */
const PRODUCTION_ARGON2 = { LATCHKEY_ARGON2_MEMORY_KIB: '19456', LATCHKEY_ARGON2_TIME_COST: '2' };

/** The checklist's bound on the gap between the median response times *(our choice there)*. */
const MAX_MEDIAN_GAP_MS = 20;

/** A redirect target with the per-request parts (interaction uid, flow id) blanked. */
const sameTarget = (location: string | null) => (location ?? '').replace(/\/interaction\/[A-Za-z0-9_-]+/, '/interaction/UID').replace(/flow=[A-Za-z0-9_-]+/, 'flow=FLOW');

/**
 * POSTs a password on the password page and GETs the page it redirects to, returning everything
 * an observer sees of the pair, with the typed address and per-request values blanked.
 */
async function observe(journey: Journey, page: Page, email: string, password: string) {
  const post = await postForm(journey, page, '/password', { password });
  const get = await answerOf(await journey.browser.get(new URL(post.location ?? '', journey.server.baseUrl).href));
  const next: Page = { url: post.location ?? '', status: get.status, html: get.body, ...formFields(get.body) };
  const seen = {
    post: { status: post.status, location: sameTarget(post.location), cookies: post.cookieNames, retryAfter: post.retryAfter, body: post.body },
    get: { status: get.status, cookies: get.cookieNames, retryAfter: get.retryAfter, page: comparable(next).replaceAll(email, 'EMAIL') },
  };
  return { seen: JSON.stringify(seen), next };
}

/** Response times of POSTs of the password form, alternating between two journeys. */
async function timePasswordPosts(a: { journey: Journey; page: Page }, b: { journey: Journey; page: Page }, samples: number) {
  const times: [number[], number[]] = [[], []];
  for (let i = 0; i < samples + 3; i++) {
    for (const [side, { journey, page }] of [a, b].entries()) {
      const started = performance.now();
      const answer = await postForm(journey, page, '/password', { password: `not the password ${i}` });
      const elapsed = performance.now() - started;
      assert.equal(answer.status, 303);
      if (i >= 3) times[side as 0 | 1].push(elapsed); // the first three warm both paths up
    }
  }
  return times;
}

/**
 * The checklist's bound: medians less than 20 ms apart. Where both paths do the same work (sign-in,
 * a wrong code) the distributions must also overlap: the middle 80 % of each reaches into the
 * other's. A reset request for an existing address does a little more database work (a group
 * lookup, a mail row): a gap of a few milliseconds is expected there, and only the bound applies.
 */
function assertSameTiming(what: string, [known, unknown]: [number[], number[]], overlap = false) {
  const gap = Math.abs(median(known) - median(unknown));
  const summary = `medians ${median(known).toFixed(1)} / ${median(unknown).toFixed(1)} ms, P10–P90 ${quantile(known, 0.1).toFixed(1)}–${quantile(known, 0.9).toFixed(1)} / ${quantile(unknown, 0.1).toFixed(1)}–${quantile(unknown, 0.9).toFixed(1)} ms`;
  if (process.env.DEBUG_TIMING) console.log(`${what}: ${summary}`);
  assert.ok(gap < MAX_MEDIAN_GAP_MS, `${what}: ${summary}`);
  if (overlap) assert.ok(quantile(known, 0.1) <= quantile(unknown, 0.9) && quantile(unknown, 0.1) <= quantile(known, 0.9), `${what}: no overlap, ${summary}`);
}

// The suites of each database run side by side (each test within a suite runs alone).
describe('checklist A', { concurrency: true }, () => {
  for (const dialect of dialects()) {
    describe(`checklist A, enumeration (${dialect})`, { concurrency: 1 }, () => {
      const { server, tenant } = suite(dialect);

      it('A1: a wrong password for an existing account and any password for an unknown address get the same status, redirect, cookies and page, 50 times each', async () => {
        const tt = await tenant();
        const unknown = `nobody.${randomBytes(4).toString('hex')}@example.com`;
        // Five journeys per address, each from its own IP (the per-IP limit is 60 a minute), run side by side.
        const lane = async (email: string) => {
          const { journey, page } = await begin(server(), tt);
          let current = await passwordPage(journey, page, email);
          const seen: string[] = [];
          for (let i = 0; i < 10; i++) {
            const observed = await observe(journey, current, email, `wrong password ${i}`);
            seen.push(observed.seen);
            current = observed.next;
          }
          return seen;
        };
        const results = await Promise.all([...Array.from({ length: 5 }, () => lane(tt.email)), ...Array.from({ length: 5 }, () => lane(unknown))]);
        const known = new Set(results.slice(0, 5).flat());
        const other = new Set(results.slice(5).flat());
        assert.equal(results.flat().length, 100);
        assert.deepEqual([...other], [...known], 'the unknown address is answered like the existing one');
        assert.equal(known.size, 1, 'every answer is the same, before and after the account locks');
        const { post, get } = JSON.parse([...known][0] as string) as { post: { status: number }; get: { status: number; page: string } };
        assert.equal(post.status, 303);
        assert.equal(get.status, 200);
        assert.match(get.page, /Your email address or password is incorrect/);
      });

      it('A3: a disabled account with its right password gets the same answer as an unknown address; only the sign-in log tells', async () => {
        const tt = await tenant();
        const disabled = await addUser(server(), tt, GOOD_PASSWORD);
        await disableUser(server(), disabled.id);
        const answers = [];
        for (const email of [disabled.email, `nobody.${randomBytes(4).toString('hex')}@example.com`]) {
          const { journey, page } = await begin(server(), tt);
          answers.push((await observe(journey, await passwordPage(journey, page, email), email, GOOD_PASSWORD)).seen);
        }
        assert.equal(answers[0], answers[1]);
        const log = await server().latchkey.services.deps.store.signInLog.list(tt.tenant.id, 2);
        assert.deepEqual(log.map((e) => e.reason).sort(), ['unknown_user', 'user_disabled']);
      });

      it('A5: asking for a reset code takes the same time for an existing and an unknown address (the mail is queued, not sent inline)', async () => {
        const tt = await tenant();
        const SAMPLES = 20;
        // A new address and a new client IP per request: the per-address (5/h) and per-IP (30/h) mail limits stay out of the way.
        const users = await Promise.all(Array.from({ length: SAMPLES }, () => addUser(server(), tt, GOOD_PASSWORD)));
        const prepare = async (email: string) => {
          const { journey, page } = await begin(server(), tt);
          return { journey, page: await passwordPage(journey, page, email) };
        };
        const known = await Promise.all(users.map((u) => prepare(u.email)));
        const unknown = await Promise.all(users.map(() => prepare(`nobody.${randomBytes(4).toString('hex')}@example.com`)));
        const times: [number[], number[]] = [[], []];
        for (let i = 0; i < SAMPLES; i++) {
          for (const [side, pair] of [known[i], unknown[i]].entries()) {
            if (!pair) continue;
            const { journey, page } = pair;
            const started = performance.now();
            const answer = await postForm(journey, page, '/forgot');
            times[side as 0 | 1].push(performance.now() - started);
            assert.equal(answer.status, 303);
          }
        }
        assertSameTiming('reset request', times);
      });

      it('A8: a wrong code costs the same answer and time for an existing and an unknown address (20 samples each, interleaved)', async () => {
        const tt = await tenant();
        // Five reset flows per address (the mail limit per address is 5 an hour), four wrong codes each (the fifth would end the flow).
        const flows = async (email: string) =>
          Promise.all(
            Array.from({ length: 5 }, async () => {
              const { journey, page } = await begin(server(), tt);
              return { journey, page: await journey.submit(await passwordPage(journey, page, email), '/forgot') };
            }),
          );
        const known = await flows(tt.email);
        const unknown = await flows(`nobody.${randomBytes(4).toString('hex')}@example.com`);
        const times: [number[], number[]] = [[], []];
        const answers = new Set<string>();
        for (let i = 0; i < 20; i++) {
          for (const [side, pair] of [known[i % 5], unknown[i % 5]].entries()) {
            if (!pair) continue;
            const started = performance.now();
            const answer = await postForm(pair.journey, pair.page, '/reset/code', { code: String(10_000_000 + i) });
            times[side as 0 | 1].push(performance.now() - started);
            answers.add(JSON.stringify({ status: answer.status, location: sameTarget(answer.location), cookies: answer.cookieNames, body: answer.body }));
          }
        }
        assert.equal(answers.size, 1, 'every wrong code is answered alike');
        const after = await Promise.all([known[0], unknown[0]].map(async (pair) => (pair ? comparable(await pair.journey.open(pair.page.url)) : '')));
        assert.equal(after[0]?.replaceAll(tt.email, 'EMAIL').replace(/nobody\.[0-9a-f]+@example\.com/, 'EMAIL'), after[1]?.replaceAll(tt.email, 'EMAIL').replace(/nobody\.[0-9a-f]+@example\.com/, 'EMAIL'));
        assertSameTiming('wrong code', times, true);
      });

      it('A9: an unknown address locks exactly like an existing one: same answers, and the sign-in log says locked for both', async () => {
        const tt = await tenant({ policies: { lockout: { threshold: 3 } } });
        const unknown = `nobody.${randomBytes(4).toString('hex')}@example.com`;
        const fourth: string[] = [];
        for (const email of [tt.email, unknown]) {
          const { journey, page } = await begin(server(), tt);
          let current = await passwordPage(journey, page, email);
          for (let i = 0; i < 3; i++) current = await journey.submit(current, '/password', { password: `wrong password ${i}` });
          fourth.push((await observe(journey, current, email, email === tt.email ? tt.password : 'any password')).seen);
        }
        assert.equal(fourth[0], fourth[1], 'the locked account and the locked unknown address are answered alike');
        const log = await server().latchkey.services.deps.store.signInLog.list(tt.tenant.id, 10);
        const last = (email: string) => log.find((e) => e.email === email)?.reason;
        assert.equal(last(tt.email), 'locked', 'the right password is refused while locked');
        assert.equal(last(unknown), 'locked', 'an unknown address is locked too, not left "un-lockable"');
      });
    });
  }

  /**
   * A2 runs on SQLite only: what it measures is the authenticator (one Argon2id verification on every
   * path, against a dummy hash for an unknown address), the same code whatever the database, and
   * 100 sequential sign-ins with production parameters on PostgreSQL would cost a third of the
   * checklist suite's time budget. A5 (reset requests) does differ by database and runs on both.
   */
  describe('checklist A2, sign-in timing (sqlite)', { concurrency: 1 }, () => {
    const { server, tenant } = suite('sqlite', { env: PRODUCTION_ARGON2 });

    it('A2: with production Argon2 parameters the median sign-in times of an existing and an unknown address differ by less than 20 ms (50 samples each, interleaved)', async () => {
      const tt = await tenant();
      const rotating = () => freshIp(); // a new client address per request: no per-IP limit interferes
      const known = await begin(server(), tt, rotating);
      const unknown = await begin(server(), tt, rotating);
      const times = await timePasswordPosts(
        { journey: known.journey, page: await passwordPage(known.journey, known.page, tt.email) },
        { journey: unknown.journey, page: await passwordPage(unknown.journey, unknown.page, `nobody.${randomBytes(4).toString('hex')}@example.com`) },
        50,
      );
      assertSameTiming('sign-in', times, true);
    });
  });
});
