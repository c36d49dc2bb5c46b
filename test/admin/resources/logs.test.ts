import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Journey } from '../../fixtures/journey.ts';
import { dialects } from '../../fixtures/server.ts';
import { readThenWrite, suiteWorld, tenantWithAdmin } from './support.ts';

for (const dialect of dialects()) {
  describe(`admin API: sign-in log and audit log (${dialect})`, () => {
    const world = suiteWorld(dialect);

    it('lists sign-ins newest first, filtered by outcome, user and time, a page at a time', async () => {
      const { call, base, tt, email } = await tenantWithAdmin(world());
      const start = new Date().toISOString();
      for (const password of ['wrong password 1', tt.password, 'wrong password 2']) {
        const { journey, page } = await Journey.begin(world().server, tt);
        await journey.submit(await journey.submit(page, '/email', { email }), '/password', { password });
      }
      const all = await call('GET', `${base}/sign-in-log`);
      assert.equal(all.status, 200, JSON.stringify(all.body));
      assert.deepEqual(
        all.body.items.map((e: { outcome: string }) => e.outcome),
        ['failure', 'success', 'failure'],
      );
      const [latest] = all.body.items;
      assert.deepEqual(
        { userId: latest.userId, appId: latest.appId, method: latest.method, reason: latest.reason, ip: latest.ip },
        { userId: tt.user.id, appId: tt.app.id, method: 'password', reason: 'invalid_password', ip: '127.0.0.1' },
      );
      assert.ok(latest.userAgent !== undefined && Date.parse(latest.at) >= Date.parse(start));
      const failures = await call('GET', `${base}/sign-in-log?outcome=failure&userId=${tt.user.id}`);
      assert.equal(failures.body.items.length, 2);
      const first = await call('GET', `${base}/sign-in-log?limit=2`);
      const rest = await call('GET', `${base}/sign-in-log?limit=2&cursor=${first.body.nextCursor}`);
      assert.deepEqual(
        [...first.body.items, ...rest.body.items].map((e: { id: string }) => e.id),
        all.body.items.map((e: { id: string }) => e.id),
      );
      assert.equal(rest.body.nextCursor, null);
      const future = await call('GET', `${base}/sign-in-log?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`);
      assert.deepEqual(future.body.items, []);
      assert.equal((await call('GET', `${base}/sign-in-log?outcome=maybe`)).status, 400);
      assert.equal((await call('GET', `${base}/sign-in-log?from=yesterday`)).status, 400);
    });

    it('lists admin changes with actor, target and a before/after summary, filtered by action', async () => {
      const { call, base } = await tenantWithAdmin(world());
      const group = await call('POST', `${base}/groups`, { name: 'beta' });
      await readThenWrite(call, 'PATCH', `${base}/groups/${group.body.id}`, () => ({ name: 'gamma' }));
      const renames = await call('GET', `${base}/audit-log?action=group.renamed`);
      assert.equal(renames.body.items.length, 1);
      const [entry] = renames.body.items;
      assert.equal(entry.target, group.body.id);
      assert.match(entry.actor, /^api_key:/);
      assert.deepEqual([entry.details.before.name, entry.details.after.name], ['beta', 'gamma']);
      const byActor = await call('GET', `${base}/audit-log?actor=${encodeURIComponent(entry.actor)}`);
      // Sorted: two changes within one millisecond have no defined order between them.
      assert.deepEqual(byActor.body.items.map((e: { action: string }) => e.action).sort(), ['group.created', 'group.renamed']);
    });
  });
}
