import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { T0, testCore } from '../../../test/fixtures/core.ts';
import { createPasswordAuthenticator } from '../credentials/password-authenticator.ts';
import { DomainError, type ErrorCode } from '../errors.ts';
import type { AppId, FlowId, TenantId } from '../ids.ts';
import { createTenantService } from '../tenants/tenant-service.ts';
import { createUserService } from '../users/user-service.ts';
import { SIGN_IN_FLOW_TTL_MS, createSignInFlows } from './sign-in.ts';

const failsWith = (code: ErrorCode) => (error: unknown) => error instanceof DomainError && error.code === code;
const PASSWORD = 'vK7#mQ2!pLx9-Rt';
const REQUEST = { ip: '203.0.113.7', userAgent: 'test' };
const UID = 'interaction-1';
/** The store keeps flow data as JSON, where a field set to undefined is simply absent. */
const asStored = <T>(flow: T): T => JSON.parse(JSON.stringify(flow)) as T;

async function setup(t: { after(fn: () => Promise<void>): void }) {
  const core = await testCore(t);
  const tenant = await createTenantService(core.deps).create('contoso');
  const ann = await createUserService(core.deps).create({ tenantId: tenant.id, email: 'Ann@Contoso.com', password: PASSWORD });
  const flows = createSignInFlows(core.deps, createPasswordAuthenticator(core.deps));
  const start = (loginHint?: string) => flows.start({ tenantId: tenant.id, interactionUid: UID, appId: 'app-1' as AppId, loginHint });
  return { ...core, tenant, ann, flows, start };
}

describe('sign-in flow', () => {
  describe('start', () => {
    it('persists a flow awaiting the email, bound to its interaction, for 30 minutes', async (t) => {
      const { start, store, tenant } = await setup(t);
      const flow = await start();
      assert.deepEqual(await store.flows.find(flow.id), asStored(flow));
      assert.equal(flow.tenantId, tenant.id);
      assert.deepEqual([flow.kind, flow.state, flow.version], ['sign_in', 'awaiting_email', 1]);
      assert.deepEqual([flow.createdAt, flow.expiresAt], [T0, T0 + SIGN_IN_FLOW_TTL_MS]);
      assert.equal(SIGN_IN_FLOW_TTL_MS, 30 * 60 * 1000);
      assert.equal(flow.data.interactionUid, UID);
      assert.equal(flow.data.appId, 'app-1');
      assert.ok(flow.data.csrf.length >= 32, 'a CSRF token of at least 24 random bytes');
    });

    it('pre-fills a valid login_hint, trimmed', async (t) => {
      const { start } = await setup(t);
      assert.equal((await start('  Ann@Contoso.com ')).data.email, 'Ann@Contoso.com');
    });

    it('ignores a malformed login_hint', async (t) => {
      const { start } = await setup(t);
      const flow = await start('not an email');
      assert.deepEqual([flow.state, flow.data.email], ['awaiting_email', undefined]);
    });

    it('gives every flow its own id and CSRF token', async (t) => {
      const { start } = await setup(t);
      const [a, b] = [await start(), await start()];
      assert.notEqual(a.id, b.id);
      assert.notEqual(a.data.csrf, b.data.csrf);
    });
  });

  describe('the email step', () => {
    it('moves to the password step for any well-formed address, known or not', async (t) => {
      const { start, flows, store } = await setup(t);
      const next = await flows.submitEmail(await start(), ' nobody@contoso.com ');
      assert.deepEqual([next.state, next.version, next.data.email, next.data.error], ['awaiting_password', 2, 'nobody@contoso.com', undefined]);
      assert.deepEqual(await store.flows.find(next.id), asStored(next));
    });

    it('does not look the address up, so this step reveals nothing', async (t) => {
      const { deps, store, tenant } = await setup(t);
      const users = { ...store.users, findByEmail: () => Promise.reject(new Error('the email step must not look users up')) };
      const blind = { ...deps, store: { ...store, users } };
      const flows = createSignInFlows(blind, createPasswordAuthenticator(blind));
      const flow = await flows.start({ tenantId: tenant.id, interactionUid: UID, appId: null });
      assert.equal((await flows.submitEmail(flow, 'ann@contoso.com')).state, 'awaiting_password');
    });

    it('keeps an invalid email on the email step, with invalid_email to show', async (t) => {
      const { start, flows, store } = await setup(t);
      const next = await flows.submitEmail(await start(), 'ann@@contoso');
      assert.deepEqual([next.state, next.version, next.data.email, next.data.error], ['awaiting_email', 2, 'ann@@contoso', 'invalid_email']);
      assert.deepEqual(await store.flows.find(next.id), asStored(next));
    });

    it('clears the error once a valid email follows', async (t) => {
      const { start, flows } = await setup(t);
      const retried = await flows.submitEmail(await flows.submitEmail(await start(), 'oops'), 'ann@contoso.com');
      assert.deepEqual([retried.state, retried.data.error], ['awaiting_password', undefined]);
    });

    it('keeps at most 320 characters of an invalid email', async (t) => {
      const { start, flows } = await setup(t);
      const next = await flows.submitEmail(await start(), 'x'.repeat(5000));
      assert.equal(next.data.email?.length, 320);
    });

    // PostgreSQL cannot store NUL in text: the password step's sign-in log write then fails with a
    // server error instead of an answer.
    it('keeps an email with a NUL character on the email step', async (t) => {
      const { start, flows } = await setup(t);
      const next = await flows.submitEmail(await start(), 'ann@contoso.com\u0000');
      assert.deepEqual([next.state, next.data.error], ['awaiting_email', 'invalid_email']);
    });

    it('changeEmail goes back to the email step', async (t) => {
      const { start, flows } = await setup(t);
      const back = await flows.changeEmail(await flows.submitEmail(await start(), 'ann@contoso.com'));
      assert.deepEqual([back.state, back.version], ['awaiting_email', 3]);
    });
  });

  describe('the password step', () => {
    it('completes with the user’s id on the right password', async (t) => {
      const { start, flows, ann, store } = await setup(t);
      const done = await flows.submitPassword(await flows.submitEmail(await start(), 'ANN@contoso.com'), PASSWORD, REQUEST);
      assert.deepEqual([done.state, done.data.userId, done.data.error], ['completed', ann.id, undefined]);
      assert.deepEqual(await store.flows.find(done.id), asStored(done));
    });

    it('stays on the password step with one generic error for a wrong password and for an unknown email alike', async (t) => {
      const { start, flows } = await setup(t);
      const wrong = await flows.submitPassword(await flows.submitEmail(await start(), 'ann@contoso.com'), 'wrong-password', REQUEST);
      const unknown = await flows.submitPassword(await flows.submitEmail(await start(), 'nobody@contoso.com'), PASSWORD, REQUEST);
      for (const flow of [wrong, unknown]) {
        assert.deepEqual([flow.state, flow.data.error, flow.data.userId], ['awaiting_password', 'invalid_credentials', undefined]);
      }
    });

    it('logs the real reason of each outcome in the sign-in log', async (t) => {
      const { start, flows, store, tenant, ann } = await setup(t);
      await flows.submitPassword(await flows.submitEmail(await start(), 'nobody@contoso.com'), PASSWORD, REQUEST);
      await flows.submitPassword(await flows.submitEmail(await start(), 'ann@contoso.com'), 'wrong-password', REQUEST);
      await flows.submitPassword(await flows.submitEmail(await start(), 'ann@contoso.com'), PASSWORD, REQUEST);
      const log = await store.signInLog.list(tenant.id, 10);
      assert.deepEqual(log.map((e) => [e.outcome, e.reason, e.userId]).sort(), [
        ['failure', 'invalid_password', ann.id],
        ['failure', 'unknown_user', null],
        ['success', 'ok', ann.id],
      ]);
      assert.ok(log.every((e) => e.ip === REQUEST.ip && e.appId === 'app-1' && e.method === 'password' && e.at === T0));
    });

    it('may be retried after a wrong password', async (t) => {
      const { start, flows } = await setup(t);
      const failed = await flows.submitPassword(await flows.submitEmail(await start(), 'ann@contoso.com'), 'wrong-password', REQUEST);
      const done = await flows.submitPassword(failed, PASSWORD, REQUEST);
      assert.deepEqual([done.state, done.data.error], ['completed', undefined]);
    });
  });

  describe('lockout (timed by the injected clock)', () => {
    async function lockedOut(t: { after(fn: () => Promise<void>): void }) {
      const ctx = await setup(t);
      let flow = await ctx.flows.submitEmail(await ctx.start(), 'ann@contoso.com');
      for (let i = 0; i < 10; i++) flow = await ctx.flows.submitPassword(flow, 'wrong-password', REQUEST);
      return { ...ctx, flow };
    }

    it('answers the right password like a wrong one while locked, and logs `locked`', async (t) => {
      const { flows, flow, store, tenant, hasher } = await lockedOut(t);
      const verifies = hasher.calls.verify;
      const after = await flows.submitPassword(flow, PASSWORD, REQUEST);
      assert.deepEqual([after.state, after.data.error], ['awaiting_password', 'invalid_credentials']);
      assert.equal(hasher.calls.verify - verifies, 1, 'the password is still verified, so timing does not tell');
      assert.equal((await store.signInLog.list(tenant.id, 1))[0]?.reason, 'locked');
    });

    it('lets the right password in once the lock has passed', async (t) => {
      const { flows, flow, clock } = await lockedOut(t);
      clock.advance(60 * 1000);
      assert.equal((await flows.submitPassword(flow, PASSWORD, REQUEST)).state, 'completed');
    });
  });

  describe('steps out of order fail with flow_state_mismatch', () => {
    it('a password before the email', async (t) => {
      const { start, flows } = await setup(t);
      await assert.rejects(flows.submitPassword(await start(), PASSWORD, REQUEST), failsWith('flow_state_mismatch'));
    });

    it('an email on the password step', async (t) => {
      const { start, flows } = await setup(t);
      await assert.rejects(flows.submitEmail(await flows.submitEmail(await start(), 'ann@contoso.com'), 'bob@contoso.com'), failsWith('flow_state_mismatch'));
    });

    it('anything after completion', async (t) => {
      const { start, flows } = await setup(t);
      const done = await flows.submitPassword(await flows.submitEmail(await start(), 'ann@contoso.com'), PASSWORD, REQUEST);
      await assert.rejects(flows.submitPassword(done, PASSWORD, REQUEST), failsWith('flow_state_mismatch'));
      await assert.rejects(flows.changeEmail(done), failsWith('flow_state_mismatch'));
    });
  });

  describe('expiry', () => {
    it('still works one millisecond before the end', async (t) => {
      const { start, flows, clock, tenant } = await setup(t);
      const flow = await start();
      clock.advance(SIGN_IN_FLOW_TTL_MS - 1);
      const loaded = await flows.load(tenant.id, flow.id, UID);
      assert.equal((await flows.submitEmail(loaded, 'ann@contoso.com')).state, 'awaiting_password');
    });

    it('refuses to load or advance an expired flow with flow_expired', async (t) => {
      const { start, flows, clock, tenant } = await setup(t);
      const flow = await flows.submitEmail(await start(), 'ann@contoso.com');
      clock.advance(SIGN_IN_FLOW_TTL_MS);
      await assert.rejects(flows.load(tenant.id, flow.id, UID), failsWith('flow_expired'));
      await assert.rejects(flows.submitPassword(flow, PASSWORD, REQUEST), failsWith('flow_expired'));
    });

    it('does not extend the expiry as steps are taken', async (t) => {
      const { start, flows, clock } = await setup(t);
      const flow = await start();
      clock.advance(10 * 60 * 1000);
      assert.equal((await flows.submitEmail(flow, 'ann@contoso.com')).expiresAt, flow.expiresAt);
    });
  });

  describe('binding: a flow loads only for its tenant and interaction', () => {
    it('loads for its own tenant and interaction uid', async (t) => {
      const { start, flows, tenant } = await setup(t);
      const flow = await start();
      assert.deepEqual(await flows.load(tenant.id, flow.id, UID), asStored(flow));
    });

    it('is flow_not_found under another interaction uid', async (t) => {
      const { start, flows, tenant } = await setup(t);
      const flow = await start();
      await assert.rejects(flows.load(tenant.id, flow.id, 'interaction-2'), failsWith('flow_not_found'));
    });

    it('is flow_not_found under another tenant', async (t) => {
      const { start, flows, deps } = await setup(t);
      const flow = await start();
      const other = await createTenantService(deps).create('fabrikam');
      await assert.rejects(flows.load(other.id, flow.id, UID), failsWith('flow_not_found'));
    });

    it('is flow_not_found for an unknown id', async (t) => {
      const { flows, tenant } = await setup(t);
      await assert.rejects(flows.load(tenant.id, 'no-such-flow', UID), failsWith('flow_not_found'));
    });

    it('is flow_not_found for a flow of another journey with the same interaction', async (t) => {
      const { flows, tenant, store, clock } = await setup(t);
      const id = 'reset-flow' as FlowId;
      const data = { interactionUid: UID, csrf: 'c' };
      await store.flows.insert({
        id,
        tenantId: tenant.id as TenantId,
        kind: 'password_reset',
        state: 'awaiting_code',
        data,
        version: 1,
        expiresAt: clock.now() + 60_000,
        createdAt: clock.now(),
      });
      await assert.rejects(flows.load(tenant.id, id, UID), failsWith('flow_not_found'));
    });
  });

  describe('optimistic versioning: a double submit applies once', () => {
    it('a second submit of the same (now stale) flow fails with flow_state_mismatch', async (t) => {
      const { start, flows, store } = await setup(t);
      const flow = await start();
      await flows.submitEmail(flow, 'ann@contoso.com');
      await assert.rejects(flows.submitEmail(flow, 'mallory@contoso.com'), failsWith('flow_state_mismatch'));
      assert.equal((await store.flows.find(flow.id))?.data.email, 'ann@contoso.com');
    });

    it('of two simultaneous submits, exactly one applies', async (t) => {
      const { start, flows, store } = await setup(t);
      const flow = await flows.submitEmail(await start(), 'ann@contoso.com');
      const results = await Promise.allSettled([flows.submitPassword(flow, PASSWORD, REQUEST), flows.submitPassword(flow, PASSWORD, REQUEST)]);
      assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
      assert.ok(failsWith('flow_state_mismatch')(results.find((r) => r.status === 'rejected')?.reason));
      const stored = await store.flows.find(flow.id);
      assert.deepEqual([stored?.state, stored?.version], ['completed', 3]);
    });

    it('a stale flow cannot undo a completed one', async (t) => {
      const { start, flows, store } = await setup(t);
      const onPassword = await flows.submitEmail(await start(), 'ann@contoso.com');
      await flows.submitPassword(onPassword, PASSWORD, REQUEST);
      await assert.rejects(flows.changeEmail(onPassword), failsWith('flow_state_mismatch'));
      assert.equal((await store.flows.find(onPassword.id))?.state, 'completed');
    });
  });
});
