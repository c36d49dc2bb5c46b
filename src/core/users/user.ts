import type { GroupId, TenantId, UserId } from '../ids.ts';

export type AttributeValue = string | number | boolean;

/** A customer account of one tenant. */
export interface User {
  id: UserId;
  tenantId: TenantId;
  /** As the user typed it (trimmed), for display and mail. */
  email: string;
  /** Lower-cased and trimmed: the unique key within a tenant. */
  emailNormalized: string;
  displayName: string;
  attributes: Record<string, AttributeValue>;
  enabled: boolean;
  emailVerified: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface Group {
  id: GroupId;
  tenantId: TenantId;
  name: string;
  createdAt: number;
}

/** The user's stored Argon2id password hash (PHC string). */
export interface PasswordCredential {
  userId: UserId;
  hash: string;
  updatedAt: number;
  /** An administrator set this password (a temporary one): the next sign-in must replace it. */
  mustChange?: boolean;
}
