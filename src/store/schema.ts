import type { Generated } from 'kysely';

/**
 * The Kysely `Database` type: one interface per table. Times are integer milliseconds since the
 * epoch; booleans are 0/1 (SQLite has no boolean); JSON is stored as text so both dialects agree.
 */
export interface TenantsTable {
  id: string;
  name: string;
  display_name: string;
  config_version: number;
  created_at: number;
  /** JSON: the tenant's policies (auth methods, passcode…); {} means all defaults. */
  policies: string;
}

export interface AppsTable {
  id: string;
  tenant_id: string;
  name: string;
  type: string;
  secret_hash: string | null;
  redirect_uris: string;
  post_logout_redirect_uris: string;
  user_flow_id: string | null;
  created_at: number;
}

export interface UsersTable {
  id: string;
  tenant_id: string;
  email: string;
  email_normalized: string;
  display_name: string;
  attributes: string;
  enabled: number;
  email_verified: number;
  created_at: number;
  updated_at: number;
}

export interface PasswordCredentialsTable {
  user_id: string;
  hash: string;
  updated_at: number;
  /** 1: an administrator set this password; the user must choose a new one at the next sign-in. */
  must_change: Generated<number>;
}

export interface GroupsTable {
  id: string;
  tenant_id: string;
  name: string;
  created_at: number;
}

export interface GroupMembersTable {
  group_id: string;
  user_id: string;
}

export interface UserFlowsTable {
  id: string;
  tenant_id: string;
  name: string;
  methods: string;
  attributes: string;
  custom_attributes: string;
  sspr_enabled: number;
  created_at: number;
}

export interface SigningKeysTable {
  kid: string;
  tenant_id: string;
  alg: string;
  encrypted_private_jwk: string;
  public_jwk: string;
  status: string;
  created_at: number;
  expires_at: number | null;
}

export interface FlowsTable {
  id: string;
  tenant_id: string;
  kind: string;
  state: string;
  data: string;
  version: number;
  expires_at: number;
  created_at: number;
}

export interface OidcArtifactsTable {
  tenant_id: string;
  model: string;
  id: string;
  payload: string;
  grant_id: string | null;
  uid: string | null;
  user_code: string | null;
  account_id: string | null;
  expires_at: number | null;
  consumed_at: number | null;
}

export interface SignInLogTable {
  id: string;
  tenant_id: string;
  at: number;
  user_id: string | null;
  email: string;
  app_id: string | null;
  method: string;
  outcome: string;
  reason: string;
  ip: string | null;
  user_agent: string | null;
}

export interface OutboxTable {
  id: string;
  tenant_id: string;
  recipient: string;
  template: string;
  locale: string;
  params: string;
  created_at: number;
  attempts: number;
  due_at: number;
  sent_at: number | null;
  last_error: string | null;
}

export interface PasscodesTable {
  flow_id: string;
  tenant_id: string;
  purpose: string;
  code_hash: string;
  expires_at: number;
  failed_attempts: number;
  sends: number;
  last_sent_at: number;
  consumed_at: number | null;
}

export interface AuditLogTable {
  id: string;
  tenant_id: string;
  at: number;
  actor: string;
  action: string;
  target: string | null;
  details: string;
}

export interface AdminGrantsTable {
  admin_id: string;
  role: string;
  /** A tenant id, or '*' for every tenant. */
  tenant_scope: string;
  created_at: number;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  prefix: string;
  secret_hash: string;
  /** JSON: StoredGrant[]. */
  grants: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface CustomAttributesTable {
  tenant_id: string;
  name: string;
  type: string;
  required: number;
  label: string;
  created_at: number;
}

export interface AppSecretsTable {
  id: string;
  tenant_id: string;
  app_id: string;
  /** SHA-256 of the secret (see hashClientSecret); the secret itself is never stored. */
  hash: string;
  /** The secret's first characters, so an admin can tell secrets apart. */
  hint: string;
  description: string;
  created_at: number;
  revoked_at: number | null;
}

export interface BrandingTable {
  tenant_id: string;
  locale: string;
  /** JSON: the Branding document of that language. */
  data: string;
  updated_at: number;
}

export interface Database {
  tenants: TenantsTable;
  apps: AppsTable;
  users: UsersTable;
  password_credentials: PasswordCredentialsTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  user_flows: UserFlowsTable;
  signing_keys: SigningKeysTable;
  flows: FlowsTable;
  oidc_artifacts: OidcArtifactsTable;
  sign_in_log: SignInLogTable;
  outbox: OutboxTable;
  passcodes: PasscodesTable;
  audit_log: AuditLogTable;
  admin_grants: AdminGrantsTable;
  api_keys: ApiKeysTable;
  custom_attributes: CustomAttributesTable;
  app_secrets: AppSecretsTable;
  branding: BrandingTable;
}
