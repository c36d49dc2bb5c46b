import type { AppId, TenantId, UserFlowId } from '../ids.ts';

export type AppType = 'public' | 'confidential';

/** An app registration, i.e. an OIDC client of one tenant. */
export interface App {
  id: AppId;
  tenantId: TenantId;
  name: string;
  type: AppType;
  /** SHA-256 of the client secret (confidential apps only); the secret itself is never stored. */
  secretHash: string | null;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  userFlowId: UserFlowId | null;
  createdAt: number;
}
