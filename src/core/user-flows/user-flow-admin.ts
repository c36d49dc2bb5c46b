import { type ChangeActor, inTenantChange, recordChange } from '../audit/admin-change.ts';
import { assertIfMatch, etagOf } from '../concurrency/etag.ts';
import { assertThat, DomainError } from '../errors.ts';
import type { AppId, TenantId, UserFlowId } from '../ids.ts';
import type { CoreDeps, Store } from '../ports.ts';
import type { SignInMethod, UserFlow } from './user-flow.ts';
import { checkFlowShape, resolveAttributes } from './user-flow-rules.ts';

/** A user flow as the admin API shows it: attributes by name, and the apps that use it. */
export interface UserFlowView {
  id: UserFlowId;
  name: string;
  methods: SignInMethod[];
  /** Built-in and custom attribute names collected at sign-up. */
  attributes: string[];
  ssprEnabled: boolean;
  appIds: AppId[];
  createdAt: number;
}

export interface Tagged<T> {
  view: T;
  etag: string;
}

export interface UserFlowInput {
  name: string;
  methods: SignInMethod[];
  attributes?: string[];
  ssprEnabled?: boolean;
}

export type UserFlowPatch = Partial<UserFlowInput>;

async function viewOf(store: Store, flow: UserFlow): Promise<Tagged<UserFlowView>> {
  const apps = await store.apps.list(flow.tenantId);
  const view: UserFlowView = {
    id: flow.id,
    name: flow.name,
    methods: flow.methods,
    attributes: [...flow.attributes, ...flow.customAttributes.map((c) => c.name)],
    ssprEnabled: flow.ssprEnabled,
    appIds: apps.filter((a) => a.userFlowId === flow.id).map((a) => a.id),
    createdAt: flow.createdAt,
  };
  return { view, etag: etagOf(view) };
}

async function load(store: Store, tenantId: TenantId, id: UserFlowId): Promise<UserFlow> {
  const flow = await store.userFlows.findById(tenantId, id);
  assertThat(flow, 'user_flow_not_found');
  return flow;
}

/**
 * User flows as administrators manage them: every change checks the flow's rules, the caller's
 * If-Match and is audited, under the tenant's lock.
 */
export function createUserFlowAdmin({ store, clock, random }: CoreDeps) {
  async function list(tenantId: TenantId): Promise<UserFlowView[]> {
    const flows = await store.userFlows.list(tenantId);
    return Promise.all(flows.map(async (f) => (await viewOf(store, f)).view));
  }

  async function get(tenantId: TenantId, id: UserFlowId): Promise<Tagged<UserFlowView>> {
    return viewOf(store, await load(store, tenantId, id));
  }

  async function create(tenantId: TenantId, input: UserFlowInput, actor: ChangeActor): Promise<Tagged<UserFlowView>> {
    const ssprEnabled = input.ssprEnabled ?? input.methods.includes('email_password');
    checkFlowShape(input.methods, ssprEnabled);
    assertThat(input.name.trim().length > 0, 'invalid_input', 'A user flow needs a name.');
    return inTenantChange(store, tenantId, async (tx) => {
      const resolved = resolveAttributes(input.attributes ?? ['displayName'], await tx.customAttributes.list(tenantId));
      const flow: UserFlow = {
        id: random.id() as UserFlowId,
        tenantId,
        name: input.name.trim(),
        methods: [...new Set(input.methods)],
        ...resolved,
        ssprEnabled,
        createdAt: clock.now(),
      };
      await tx.userFlows.insert(flow);
      const after = await viewOf(tx, flow);
      await recordChange(tx, clock, { tenantId, actor, action: 'user_flow.created', target: flow.id, before: null, after: after.view });
      return after;
    });
  }

  async function update(
    tenantId: TenantId,
    id: UserFlowId,
    patch: UserFlowPatch,
    ifMatch: string | undefined,
    actor: ChangeActor,
  ): Promise<Tagged<UserFlowView>> {
    return inTenantChange(store, tenantId, async (tx) => {
      const flow = await load(tx, tenantId, id);
      const before = await viewOf(tx, flow);
      assertIfMatch(ifMatch, before.etag);
      const methods = patch.methods ? [...new Set(patch.methods)] : flow.methods;
      const ssprEnabled = patch.ssprEnabled ?? flow.ssprEnabled;
      checkFlowShape(methods, ssprEnabled);
      const name = patch.name === undefined ? flow.name : patch.name.trim();
      assertThat(name.length > 0, 'invalid_input', 'A user flow needs a name.');
      const resolved =
        patch.attributes === undefined
          ? { attributes: flow.attributes, customAttributes: flow.customAttributes }
          : resolveAttributes(patch.attributes, await tx.customAttributes.list(tenantId));
      const next: UserFlow = { ...flow, name, methods, ssprEnabled, ...resolved };
      await tx.userFlows.update(next);
      const after = await viewOf(tx, next);
      await recordChange(tx, clock, { tenantId, actor, action: 'user_flow.updated', target: id, before: before.view, after: after.view });
      return after;
    });
  }

  /** Deletes a flow no app uses any more (user_flow_in_use otherwise: an app never loses its flow silently). */
  async function remove(tenantId: TenantId, id: UserFlowId, ifMatch: string | undefined, actor: ChangeActor): Promise<void> {
    await inTenantChange(store, tenantId, async (tx) => {
      const before = await viewOf(tx, await load(tx, tenantId, id));
      assertIfMatch(ifMatch, before.etag);
      if (before.view.appIds.length > 0) throw new DomainError('user_flow_in_use', `Apps ${before.view.appIds.join(', ')} still use this user flow.`);
      await tx.userFlows.delete(tenantId, id);
      await recordChange(tx, clock, { tenantId, actor, action: 'user_flow.deleted', target: id, before: before.view, after: null });
    });
  }

  /**
   * Makes the app use this flow (an app uses at most one: it leaves its previous flow), or, with
   * `link` false, makes it stop using it (it falls back to the default flow).
   */
  async function setApp(tenantId: TenantId, id: UserFlowId, appId: AppId, link: boolean, actor: ChangeActor): Promise<Tagged<UserFlowView>> {
    return inTenantChange(store, tenantId, async (tx) => {
      const flow = await load(tx, tenantId, id);
      const app = await tx.apps.findById(tenantId, appId);
      assertThat(app, 'app_not_found');
      if (link || app.userFlowId === id) await tx.apps.setUserFlow(tenantId, appId, link ? id : null);
      await recordChange(tx, clock, {
        tenantId,
        actor,
        action: link ? 'app.user_flow_linked' : 'app.user_flow_unlinked',
        target: appId,
        before: { userFlowId: app.userFlowId },
        after: { userFlowId: link ? id : app.userFlowId === id ? null : app.userFlowId },
      });
      return viewOf(tx, flow);
    });
  }

  return { list, get, create, update, remove, setApp };
}

export type UserFlowAdmin = ReturnType<typeof createUserFlowAdmin>;
