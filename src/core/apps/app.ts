import type { AppId, TenantId, UserFlowId } from '../ids.ts';

export type AppType = 'public' | 'confidential';

/** An app registration, i.e. an OIDC client of one tenant. */
export interface App {
  id: AppId;
  tenantId: TenantId;
  name: string;
  type: AppType;
  /**
   * SHA-256 of each live client secret, space-separated (confidential apps only; several while a
   * secret is rolled over); the secrets themselves are never stored.
   */
  secretHash: string | null;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  userFlowId: UserFlowId | null;
  createdAt: number;
}

/** One client secret of an app, as stored (its value is shown once, at creation, and never kept). */
export interface AppSecret {
  id: string;
  tenantId: TenantId;
  appId: AppId;
  hash: string;
  /** The secret's first characters, so an admin can tell secrets apart. */
  hint: string;
  description: string;
  createdAt: number;
  revokedAt: number | null;
}
