import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SignUpFlow } from '../../src/core/flows/sign-up.ts';
import type { FlowId } from '../../src/core/ids.ts';
import { sessionsClosed } from '../fixtures/child-server.ts';
import { Journey } from '../fixtures/journey.ts';
import { dialects, startTestServer } from '../fixtures/server.ts';
import { createTestTenant } from '../fixtures/tenants.ts';
import { NEW_PASSWORD } from './support.ts';

/**
 * J3 (SECURITY-CHECKLIST): sign-ups that finish at the same moment for one new address make
 * exactly one account; the others are told the address is taken. ASVS 2.3.4, 15.4.2.
 */
const RACERS = 10;
const ADDRESS = 'Racer@Example.com';

for (const dialect of dialects()) {
  describe(`concurrent sign-up (J3, ${dialect})`, () => {
    it(`${RACERS} sign-ups finishing at once with the same email create exactly one account`, async (t) => {
      const server = await startTestServer({ dialect });
      t.after(async () => {
        await server.stop();
        await sessionsClosed(server.databaseUrl);
        await server.close();
      });
      const tt = await createTestTenant(server);
      const { store } = server.latchkey.services.deps;

      const racers = await Promise.all(
        Array.from({ length: RACERS }, async () => {
          const { journey, page } = await Journey.begin(server, tt);
          const emailStep = await journey.open(`${page.url.split('?')[0]}/sign-up`);
          // Grey-box: each flow is moved to the details step as if its emailed code had been
          // entered. Why: the per-address send budget (5 codes per hour) stops ten real codes for
          // one address, and what this check is about is the race at the last step.
          const flow = (await store.flows.find(emailStep.flow as FlowId)) as SignUpFlow;
          assert.ok(
            await store.flows.update({
              ...flow,
              state: 'awaiting_details',
              data: { ...flow.data, email: ADDRESS, existing: false },
              version: flow.version + 1,
            }),
          );
          const details = await journey.open(`${emailStep.url.split('?')[0]}?flow=${encodeURIComponent(flow.id)}`);
          assert.match(details.html, /Confirm password/);
          return { journey, details };
        }),
      );

      const results = await Promise.all(
        racers.map(async ({ journey, details }) => ({
          journey,
          page: await journey.submit(details, '/sign-up/details', { password: NEW_PASSWORD, confirm: NEW_PASSWORD, displayName: 'Racer' }),
        })),
      );
      const winners = results.filter((r) => r.journey.reachedApp(r.page));
      assert.equal(winners.length, 1, 'exactly one racer lands in the app');
      for (const loser of results.filter((r) => !r.journey.reachedApp(r.page))) assert.match(loser.page.html, /already exists/);

      const users = (await store.users.list(tt.tenant.id, { limit: 100 })).filter((u) => u.emailNormalized === ADDRESS.toLowerCase());
      assert.equal(users.length, 1, 'exactly one account');
      const [winner] = winners;
      assert.ok(winner);
      assert.equal((await winner.journey.tokens(winner.page)).claims()?.sub, users[0]?.id);
    });
  });
}
