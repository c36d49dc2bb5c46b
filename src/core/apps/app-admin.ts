import { type ChangeActor, inTenantChange, recordChange } from '../audit/admin-change.ts';
import { assertIfMatch, etagOf } from '../concurrency/etag.ts';
import { assertThat, DomainError } from '../errors.ts';
import type { AppId, TenantId, UserFlowId } from '../ids.ts';
import type { CoreDeps, Store } from '../ports.ts';
import type { Tagged } from '../user-flows/user-flow-admin.ts';
import type { App, AppSecret, AppType } from './app.ts';
import { createAppService, hashClientSecret, type NewApp, secretHint } from './app-service.ts';
import { validateRedirectUri } from './redirect-uri.ts';

/** An app registration as administrators see it: never a secret or a secret's hash. */
export interface AppView {
  id: AppId;
  name: string;
  type: AppType;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  userFlowId: UserFlowId | null;
  createdAt: number;
}

export interface AppPatch {
  name?: string;
  redirectUris?: string[];
  postLogoutRedirectUris?: string[];
  userFlowId?: UserFlowId | null;
}

/** A client secret as listed: its hint, never its value or hash. */
export interface AppSecretView {
  id: string;
  hint: string;
  description: string;
  createdAt: number;
  revokedAt: number | null;
}

const viewOf = (a: App): AppView => ({
  id: a.id,
  name: a.name,
  type: a.type,
  redirectUris: a.redirectUris,
  postLogoutRedirectUris: a.postLogoutRedirectUris,
  userFlowId: a.userFlowId,
  createdAt: a.createdAt,
});
const tagged = (a: App): Tagged<AppView> => ({ view: viewOf(a), etag: etagOf(viewOf(a)) });
const secretView = ({ id, hint, description, createdAt, revokedAt }: AppSecret): AppSecretView => ({ id, hint, description, createdAt, revokedAt });

async function load(store: Store, tenantId: TenantId, id: AppId): Promise<App> {
  const app = await store.apps.findById(tenantId, id);
  assertThat(app, 'app_not_found');
  return app;
}

async function checkFlow(store: Store, tenantId: TenantId, userFlowId: UserFlowId | null | undefined): Promise<void> {
  if (userFlowId) assertThat(await store.userFlows.findById(tenantId, userFlowId), 'user_flow_not_found');
}

/** Rewrites the app's live-secret hashes (what token requests are checked against) from its secrets. */
async function refreshSecretHashes(tx: Store, app: App): Promise<void> {
  const live = (await tx.apps.listSecrets(app.tenantId, app.id)).filter((s) => s.revokedAt === null);
  await tx.apps.update({ ...app, secretHash: live.length === 0 ? null : live.map((s) => s.hash).join(' ') });
}

/** App registrations and their client secrets, as administrators manage them. */
export function createAppAdmin(deps: CoreDeps) {
  const { store, clock, random } = deps;

  async function create(
    tenantId: TenantId,
    input: Omit<NewApp, 'tenantId' | 'id'>,
    actor: ChangeActor,
  ): Promise<Tagged<AppView> & { clientSecret: string | null }> {
    // The flow check, the insert and the audit entry are one locked change: a flow or the tenant
    // deleted meanwhile is its 404, not a foreign-key failure (the app service writes in `tx`).
    return inTenantChange(store, tenantId, async (tx) => {
      await checkFlow(tx, tenantId, input.userFlowId);
      const { app, clientSecret } = await createAppService({ ...deps, store: tx }).create({ ...input, tenantId });
      await recordChange(tx, clock, { tenantId, actor, action: 'app.created', target: app.id, before: null, after: viewOf(app) });
      return { ...tagged(app), clientSecret };
    });
  }

  async function update(tenantId: TenantId, id: AppId, patch: AppPatch, ifMatch: string | undefined, actor: ChangeActor): Promise<Tagged<AppView>> {
    return inTenantChange(store, tenantId, async (tx) => {
      const before = await load(tx, tenantId, id);
      assertIfMatch(ifMatch, tagged(before).etag);
      const name = patch.name === undefined ? before.name : patch.name.trim();
      assertThat(name.length > 0, 'invalid_input', 'An app needs a name.');
      const redirectUris = patch.redirectUris?.map((u) => validateRedirectUri(u, before.type)) ?? before.redirectUris;
      assertThat(redirectUris.length > 0, 'invalid_redirect_uri', 'An app needs 1 to 100 redirect URIs.');
      const postLogoutRedirectUris = patch.postLogoutRedirectUris?.map((u) => validateRedirectUri(u, before.type)) ?? before.postLogoutRedirectUris;
      await checkFlow(tx, tenantId, patch.userFlowId);
      const after: App = {
        ...before,
        name,
        redirectUris,
        postLogoutRedirectUris,
        userFlowId: patch.userFlowId === undefined ? before.userFlowId : patch.userFlowId,
      };
      await tx.apps.update(after);
      if (after.userFlowId !== before.userFlowId) await tx.apps.setUserFlow(tenantId, id, after.userFlowId);
      await recordChange(tx, clock, { tenantId, actor, action: 'app.updated', target: id, before: viewOf(before), after: viewOf(after) });
      return tagged(after);
    });
  }

  /** Deletes the app; its tokens stop working at once (their client no longer exists). */
  async function remove(tenantId: TenantId, id: AppId, ifMatch: string | undefined, actor: ChangeActor): Promise<void> {
    await inTenantChange(store, tenantId, async (tx) => {
      const before = await load(tx, tenantId, id);
      assertIfMatch(ifMatch, tagged(before).etag);
      await tx.apps.delete(tenantId, id);
      await recordChange(tx, clock, { tenantId, actor, action: 'app.deleted', target: id, before: viewOf(before), after: null });
    });
  }

  async function listSecrets(tenantId: TenantId, id: AppId): Promise<AppSecretView[]> {
    await load(store, tenantId, id);
    return (await store.apps.listSecrets(tenantId, id)).map(secretView);
  }

  /** Adds a client secret to a confidential app; its value is returned here once and never again. */
  async function addSecret(tenantId: TenantId, id: AppId, description: string, actor: ChangeActor): Promise<{ secret: AppSecretView; value: string }> {
    return inTenantChange(store, tenantId, async (tx) => {
      const app = await load(tx, tenantId, id);
      if (app.type !== 'confidential') throw new DomainError('invalid_input', 'A public app has no client secrets.');
      const value = random.token(32);
      const secret: AppSecret = {
        id: random.id(),
        tenantId,
        appId: id,
        hash: hashClientSecret(value),
        hint: secretHint(value),
        description: description.trim(),
        createdAt: clock.now(),
        revokedAt: null,
      };
      await tx.apps.insertSecret(secret);
      await refreshSecretHashes(tx, app);
      await recordChange(tx, clock, { tenantId, actor, action: 'app.secret_added', target: id, before: null, after: secretView(secret) });
      return { secret: secretView(secret), value };
    });
  }

  /** Revokes a secret: token requests with it fail from now on. */
  async function revokeSecret(tenantId: TenantId, id: AppId, secretId: string, actor: ChangeActor): Promise<void> {
    await inTenantChange(store, tenantId, async (tx) => {
      const app = await load(tx, tenantId, id);
      assertThat(await tx.apps.revokeSecret(tenantId, id, secretId, clock.now()), 'secret_not_found');
      await refreshSecretHashes(tx, app);
      await recordChange(tx, clock, { tenantId, actor, action: 'app.secret_revoked', target: id, before: { secretId }, after: null });
    });
  }

  return {
    list: async (tenantId: TenantId) => (await store.apps.list(tenantId)).map(viewOf),
    get: async (tenantId: TenantId, id: AppId) => tagged(await load(store, tenantId, id)),
    create,
    update,
    remove,
    listSecrets,
    addSecret,
    revokeSecret,
  };
}

export type AppAdmin = ReturnType<typeof createAppAdmin>;
