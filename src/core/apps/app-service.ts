import { createHash } from 'node:crypto';
import { assertThat } from '../errors.ts';
import type { AppId, TenantId, UserFlowId } from '../ids.ts';
import type { CoreDeps } from '../ports.ts';
import type { App, AppType } from './app.ts';
import { validateRedirectUri } from './redirect-uri.ts';

/**
 * Client secrets are 256-bit random values, so a fast hash is enough to make a stolen database
 * useless (there is nothing to brute-force); Argon2 would only slow every token request.
 */
export function hashClientSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('base64url');
}

/** The first characters of a secret, shown in lists so an admin can tell secrets apart (18 of its 256 bits). */
export const secretHint = (secret: string): string => secret.slice(0, 3);

export interface NewApp {
  tenantId: TenantId;
  name: string;
  type: AppType;
  redirectUris: readonly string[];
  postLogoutRedirectUris?: readonly string[];
  userFlowId?: UserFlowId | null;
  /** A fixed client_id (the seeded demo app); otherwise a random one is made. */
  id?: string;
}

export function createAppService({ store, clock, random }: CoreDeps) {
  /** Registers an app; a confidential app's secret is returned here once and never again. */
  async function create(input: NewApp): Promise<{ app: App; clientSecret: string | null }> {
    const redirectUris = input.redirectUris.map((u) => validateRedirectUri(u, input.type));
    const postLogoutRedirectUris = (input.postLogoutRedirectUris ?? []).map((u) => validateRedirectUri(u, input.type));
    assertThat(input.name.trim().length > 0 && input.name.length <= 256, 'invalid_input', 'An app needs a name of at most 256 characters.');
    assertThat(redirectUris.length > 0 && redirectUris.length <= 100, 'invalid_redirect_uri', 'An app needs 1 to 100 redirect URIs.');
    const clientSecret = input.type === 'confidential' ? random.token(32) : null;
    const app: App = {
      id: (input.id ?? random.id()) as AppId,
      tenantId: input.tenantId,
      name: input.name.trim(),
      type: input.type,
      secretHash: clientSecret === null ? null : hashClientSecret(clientSecret),
      redirectUris,
      postLogoutRedirectUris,
      userFlowId: input.userFlowId ?? null,
      createdAt: clock.now(),
    };
    await store.transaction(async (tx) => {
      await tx.apps.insert(app);
      if (clientSecret !== null && app.secretHash !== null) {
        await tx.apps.insertSecret({ id: random.id(), tenantId: app.tenantId, appId: app.id, hash: app.secretHash, hint: secretHint(clientSecret), description: 'Initial secret', createdAt: app.createdAt, revokedAt: null });
      }
    });
    return { app, clientSecret };
  }

  return { create, find: store.apps.findById, list: store.apps.list };
}

export type AppService = ReturnType<typeof createAppService>;
