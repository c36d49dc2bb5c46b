/**
 * The ports the domain core needs from the world. Adapters in store/, passwords/ and oidc/
 * implement them; the core never imports those folders.
 */

import type { ApiKey } from './admin/api-key-record.ts';
import type { StoredGrant } from './admin/roles.ts';
import type { App, AppSecret } from './apps/app.ts';
import type { SecurityEvent } from './audit/security-event.ts';
import type { SignInEvent } from './audit/sign-in-event.ts';
import type { Flow } from './flows/flow-record.ts';
import type { AppId, FlowId, GroupId, TenantId, UserFlowId, UserId } from './ids.ts';
import type { OutgoingMail } from './mail/outgoing-mail.ts';
import type { PolicyOverrides } from './policies/tenant-policies.ts';
import type { Branding } from './tenants/branding.ts';
import type { SigningKey } from './tenants/signing-key.ts';
import type { Tenant } from './tenants/tenant.ts';
import type { CustomAttribute, UserFlow } from './user-flows/user-flow.ts';
import type { Group, PasswordCredential, User } from './users/user.ts';

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export interface Random {
  /** A URL-safe random id with at least 128 bits of entropy. */
  id(): string;
  /** `bytes` CSPRNG bytes, base64url-encoded. */
  token(bytes: number): string;
  /** `length` uniformly random decimal digits from a CSPRNG. */
  digits(length: number): string;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** Never throws on a malformed hash; answers false. */
  verify(hash: string, password: string): Promise<boolean>;
  /** True when `hash` was made with other parameters than the current ones. */
  needsRehash(hash: string): boolean;
}

export interface TenantStore {
  /** Throws DomainError('tenant_exists') if the name is taken. */
  insert(tenant: Tenant): Promise<void>;
  findById(id: TenantId): Promise<Tenant | undefined>;
  findByName(name: string): Promise<Tenant | undefined>;
  list(): Promise<Tenant[]>;
  setPolicies(id: TenantId, policies: PolicyOverrides): Promise<void>;
  /** Atomically increments configVersion. */
  bumpConfigVersion(id: TenantId): Promise<void>;
  /**
   * Inside a transaction: takes the tenant's row lock until it ends, so admin changes to one
   * tenant's resources run one at a time on every node (an If-Match check and its write never
   * interleave with another change). False when the tenant does not exist, which is how a
   * change that waited for a deletion of the tenant learns it is gone.
   */
  lock(id: TenantId): Promise<boolean>;
  setDisplayName(id: TenantId, displayName: string): Promise<void>;
  /**
   * Deletes the tenant and everything of it: users, apps, flows, keys, OIDC artifacts, logs,
   * unsent mail and administrators' grants on it.
   */
  delete(id: TenantId): Promise<void>;
}

export interface AppStore {
  insert(app: App): Promise<void>;
  findById(tenantId: TenantId, id: AppId): Promise<App | undefined>;
  list(tenantId: TenantId): Promise<App[]>;
  /** Links the app to a user flow (null: Entra's default flow). */
  setUserFlow(tenantId: TenantId, id: AppId, userFlowId: UserFlowId | null): Promise<void>;
  /** Writes name, redirect URIs, post-logout redirect URIs and the live secrets' hashes. */
  update(app: App): Promise<void>;
  /** Deletes the app and its secrets. */
  delete(tenantId: TenantId, id: AppId): Promise<void>;
  insertSecret(secret: AppSecret): Promise<void>;
  /** The app's secrets, revoked ones too, oldest first. */
  listSecrets(tenantId: TenantId, appId: AppId): Promise<AppSecret[]>;
  /** Marks the secret revoked at `at`; false when it does not exist or was revoked already. */
  revokeSecret(tenantId: TenantId, appId: AppId, id: string, at: number): Promise<boolean>;
}

export interface UserStore {
  /** Throws DomainError('email_taken') if the tenant already has the normalized email. */
  insert(user: User): Promise<void>;
  findById(tenantId: TenantId, id: UserId): Promise<User | undefined>;
  findByEmail(tenantId: TenantId, emailNormalized: string): Promise<User | undefined>;
  /** Ordered by normalised email; `emailPrefix` keeps those starting with it (already normalised). */
  list(tenantId: TenantId, opts: { limit: number; afterEmail?: string; emailPrefix?: string }): Promise<User[]>;
  /** Writes the mutable fields (display name, attributes, enabled, emailVerified, updatedAt). */
  update(user: User): Promise<void>;
  /** Deletes the user with its credentials and group memberships. */
  delete(tenantId: TenantId, id: UserId): Promise<void>;
}

export interface PasswordStore {
  find(userId: UserId): Promise<PasswordCredential | undefined>;
  /** Inserts or replaces the user's password hash (and its mustChange mark: absent is false). */
  upsert(credential: PasswordCredential): Promise<void>;
}

export interface GroupStore {
  /** Throws DomainError('group_exists') if the tenant has a group of that name. */
  insert(group: Group): Promise<void>;
  list(tenantId: TenantId): Promise<Group[]>;
  findById(tenantId: TenantId, id: GroupId): Promise<Group | undefined>;
  /** Throws DomainError('group_exists') if the name is taken. */
  rename(tenantId: TenantId, id: GroupId, name: string): Promise<void>;
  /** Deletes the group and its memberships. */
  delete(tenantId: TenantId, id: GroupId): Promise<void>;
  /** Adding a member twice changes nothing. */
  addMember(groupId: GroupId, userId: UserId): Promise<void>;
  removeMember(groupId: GroupId, userId: UserId): Promise<void>;
  members(groupId: GroupId): Promise<UserId[]>;
  groupsOf(userId: UserId): Promise<GroupId[]>;
}

export interface UserFlowStore {
  insert(flow: UserFlow): Promise<void>;
  findById(tenantId: TenantId, id: UserFlowId): Promise<UserFlow | undefined>;
  list(tenantId: TenantId): Promise<UserFlow[]>;
  /** Writes name, methods, attributes, custom attributes and SSPR. */
  update(flow: UserFlow): Promise<void>;
  /** Deletes the flow; apps that used it fall back to the default flow. */
  delete(tenantId: TenantId, id: UserFlowId): Promise<void>;
}

/** A tenant's branding documents, one per language. */
export interface BrandingStore {
  find(tenantId: TenantId, locale: string): Promise<Branding | undefined>;
  /** The languages that have branding, ordered by locale. */
  list(tenantId: TenantId): Promise<Array<{ locale: string; updatedAt: number }>>;
  /** Inserts or replaces the language's branding. */
  put(tenantId: TenantId, locale: string, branding: Branding, at: number): Promise<void>;
  delete(tenantId: TenantId, locale: string): Promise<void>;
}

/** The tenant's custom attribute definitions, which user flows collect by name. */
export interface CustomAttributeStore {
  /** Ordered by name. */
  list(tenantId: TenantId): Promise<CustomAttribute[]>;
  /** Throws DomainError('attribute_exists') if the name is taken. */
  insert(tenantId: TenantId, attribute: CustomAttribute, at: number): Promise<void>;
  update(tenantId: TenantId, attribute: CustomAttribute): Promise<void>;
  delete(tenantId: TenantId, name: string): Promise<void>;
}

export interface SigningKeyStore {
  insert(key: SigningKey): Promise<void>;
  /** Keys still to publish: the active ones and retired ones not yet expired at `now`. */
  listLive(tenantId: TenantId, now: number): Promise<SigningKey[]>;
  /** Marks every active key of the tenant retired, expiring at `expiresAt`. */
  retireActive(tenantId: TenantId, expiresAt: number): Promise<void>;
}

export interface FlowStore {
  insert(flow: Flow): Promise<void>;
  find(id: FlowId): Promise<Flow | undefined>;
  /**
   * Writes `next` only if the stored version still equals `next.version - 1`.
   * Under concurrent calls for one version exactly one caller gets `true`.
   */
  update(next: Flow): Promise<boolean>;
  deleteExpired(now: number): Promise<number>;
}

/** oidc-provider's artifacts (sessions, codes, grants, tokens), stored so any node can serve them. */
export interface OidcArtifact {
  payload: Record<string, unknown>;
  expiresAt: number | null;
  consumed: boolean;
}

export interface OidcArtifactStore {
  upsert(tenantId: TenantId, model: string, id: string, payload: Record<string, unknown>, expiresAt: number | null): Promise<void>;
  find(tenantId: TenantId, model: string, id: string): Promise<OidcArtifact | undefined>;
  findBy(tenantId: TenantId, model: string, field: 'uid' | 'userCode', value: string): Promise<OidcArtifact | undefined>;
  /**
   * Atomically marks the artifact consumed (e.g. a redeemed authorization code). Under concurrent
   * calls, on any number of nodes, exactly one caller gets `true`; it is `false` when the
   * artifact was already consumed or does not exist.
   */
  consume(tenantId: TenantId, model: string, id: string, at: number): Promise<boolean>;
  destroy(tenantId: TenantId, model: string, id: string): Promise<void>;
  revokeByGrantId(tenantId: TenantId, grantId: string): Promise<void>;
  /** Deletes every artifact of the tenant that belongs to the account (sessions, grants, tokens). */
  revokeByAccount(tenantId: TenantId, accountId: string): Promise<void>;
  deleteExpired(now: number): Promise<number>;
}

export interface SignInLogStore {
  append(event: SignInEvent): Promise<void>;
  list(tenantId: TenantId, limit: number): Promise<SignInEvent[]>;
  /** Newest first, with the given filters; `before` continues after that entry (keyset paging). */
  search(
    tenantId: TenantId,
    query: LogQuery & { userId?: UserId; email?: string; outcome?: SignInEvent['outcome'] },
  ): Promise<Array<SignInEvent & { id: string }>>;
}

/** What every log search takes: a time range (inclusive, ms) and a page position. */
export interface LogQuery {
  from?: number;
  to?: number;
  limit: number;
  /** The last entry of the previous page. */
  before?: { at: number; id: string };
}

/** Where security events go (the operator's log); recording never fails the request. */
export interface SecurityLog {
  record(event: SecurityEvent): void;
}

export type PasscodePurpose = 'password_reset' | 'sign_up' | 'sign_in';

/** The one live passcode of a flow. Counters survive a resend; the code hash does not. */
export interface PasscodeRecord {
  flowId: FlowId;
  tenantId: TenantId;
  purpose: PasscodePurpose;
  codeHash: string;
  expiresAt: number;
  failedAttempts: number;
  sends: number;
  lastSentAt: number;
  consumedAt: number | null;
}

export interface PasscodeStore {
  find(flowId: FlowId): Promise<PasscodeRecord | undefined>;
  /**
   * Stores the flow's first code; false when the flow has one already (a concurrent request for
   * the same flow stored it first). Never fails on that race, on any database.
   */
  insert(record: PasscodeRecord): Promise<boolean>;
  /** Replaces the code (a resend): new hash and expiry, sends + 1; failedAttempts unchanged. */
  replaceCode(flowId: FlowId, codeHash: string, expiresAt: number, sentAt: number): Promise<void>;
  /**
   * Atomically marks the flow's code used if `codeHash` matches, it is unexpired at `now`, unused,
   * and fewer than `maxAttempts` wrong tries were made. Under concurrent calls exactly one caller
   * gets `true`.
   */
  consume(flowId: FlowId, codeHash: string, now: number, maxAttempts: number): Promise<boolean>;
  /** Atomically adds one failed attempt and returns the new count. */
  recordFailure(flowId: FlowId): Promise<number>;
}

/** One entry of the audit log: an admin change or a self-service change (reset, sign-up). */
export interface AuditEvent {
  tenantId: TenantId;
  at: number;
  /** Who did it: `user:<id>`, `admin:<id>`, `cli`, `anonymous`. */
  actor: string;
  action: string;
  target: string | null;
  details: Record<string, unknown>;
}

export interface AuditLogStore {
  append(event: AuditEvent): Promise<void>;
  list(tenantId: TenantId, limit: number): Promise<AuditEvent[]>;
  /** Newest first, with the given filters; `before` continues after that entry (keyset paging). */
  search(tenantId: TenantId, query: LogQuery & { actor?: string; target?: string; action?: string }): Promise<Array<AuditEvent & { id: string }>>;
}

/** A mail waiting in the outbox, as the delivery worker sees it. */
export interface QueuedMail extends OutgoingMail {
  attempts: number;
}

/**
 * The transactional outbox. `enqueue` runs inside the caller's transaction, so a mail exists
 * exactly when the state it reports was committed. Delivery is at-least-once.
 */
export interface OutboxStore {
  enqueue(mail: OutgoingMail): Promise<void>;
  /**
   * Leases up to `limit` mails due at `now` for `leaseMs` (so another node or a retry after a
   * crash can take them once the lease ends). Leased mails are not handed out again meanwhile.
   */
  claimDue(now: number, limit: number, leaseMs: number): Promise<QueuedMail[]>;
  /** Marks a mail delivered and erases its parameters (a passcode must not outlive its mail). */
  markSent(id: string, at: number): Promise<void>;
  /** Records a failed attempt; the mail is due again at `retryAt`. */
  markFailed(id: string, error: string, retryAt: number): Promise<void>;
  /** Gives up on a mail for good (kept for the operator, never claimed again); erases its parameters like markSent. */
  markDead(id: string, error: string): Promise<void>;
  /** Mails not yet delivered (for /ready diagnostics and tests). */
  pendingCount(): Promise<number>;
}

/** An admin's role on every tenant or on one (admins are users of the admin directory). */
export interface AdminGrantRecord extends StoredGrant {
  adminId: UserId;
  createdAt: number;
}

export interface AdminGrantStore {
  /** Adds the grant; adding one the admin already holds changes nothing. */
  add(grant: AdminGrantRecord): Promise<void>;
  /** Removes the grant; false when the admin did not hold it. */
  remove(adminId: UserId, grant: StoredGrant): Promise<boolean>;
  list(adminId: UserId): Promise<AdminGrantRecord[]>;
  /** Every grant of every admin, ordered by admin then creation. */
  listAll(): Promise<AdminGrantRecord[]>;
}

export interface ApiKeyStore {
  insert(key: ApiKey): Promise<void>;
  findById(id: string): Promise<ApiKey | undefined>;
  /** Every key, revoked ones too, newest first. */
  list(): Promise<ApiKey[]>;
  /** Marks the key revoked at `at`; false when it does not exist or was revoked already. */
  revoke(id: string, at: number): Promise<boolean>;
  /** Records a use of the key. */
  touch(id: string, at: number): Promise<void>;
}

/** Everything persistent, as one unit that can run a transaction. */
export interface Store {
  tenants: TenantStore;
  apps: AppStore;
  users: UserStore;
  passwords: PasswordStore;
  groups: GroupStore;
  userFlows: UserFlowStore;
  customAttributes: CustomAttributeStore;
  branding: BrandingStore;
  signingKeys: SigningKeyStore;
  flows: FlowStore;
  oidcArtifacts: OidcArtifactStore;
  signInLog: SignInLogStore;
  outbox: OutboxStore;
  passcodes: PasscodeStore;
  auditLog: AuditLogStore;
  adminGrants: AdminGrantStore;
  apiKeys: ApiKeyStore;
  /** Runs `fn` in one database transaction; the Store it gets sees and writes inside it. */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  /** Throws if the database cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** A count of hits of one key within a fixed window. */
export interface WindowCount {
  /** Hits in the current window (0 when the key has none). */
  count: number;
  /** Milliseconds until the current window ends (0 when the key has none). */
  resetInMs: number;
}

/**
 * Shared counters for rate limits, lockout and attempt caps. Implementations (memory for one
 * node; PostgreSQL or Redis for several) must make `hit` atomic across every node that shares
 * them, so an attacker gets one budget, not one per node.
 */
export interface Counters {
  /** Adds one hit to `key`; a key's window starts at its first hit and lasts `windowMs`. */
  hit(key: string, windowMs: number): Promise<WindowCount>;
  /** Reads `key` without counting. */
  peek(key: string): Promise<WindowCount>;
  /** Forgets `key` (e.g. a success resets consecutive failures). */
  reset(key: string): Promise<void>;
}

/** Makes a fresh signing key for a tenant (private part encrypted under the master key). */
export interface SigningKeyFactory {
  create(tenantId: TenantId, now: number): Promise<SigningKey>;
}

/** What every core service is built from; assembled once in `app.ts`. */
export interface CoreDeps {
  store: Store;
  clock: Clock;
  random: Random;
  hasher: PasswordHasher;
  keyFactory: SigningKeyFactory;
  counters: Counters;
  /** Keyed hash (HMAC-SHA-256 under a key derived from the master secret), base64url. */
  mac(data: string): string;
  /** Encrypts a secret that must wait in the database (a passcode in the outbox); the mail side opens it. */
  seal(plain: string): string;
  /** Lockouts and refused requests, for the operator's log; absent (core tests), nothing is recorded. */
  securityLog?: SecurityLog;
}
