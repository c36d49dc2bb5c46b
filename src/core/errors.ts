/**
 * The catalogue of domain errors. Codes are stable snake_case identifiers that clients and docs
 * rely on; messages are the English defaults shown to people. HTTP knows nothing here:
 * `web/error-mapper.ts` is the only place that maps a code to a status or a page.
 */
export const ErrorCode = {
  invalid_credentials: 'Your email address or password is incorrect.',
  invalid_email: 'Enter a valid email address.',
  invalid_input: 'The request is not valid.',
  email_taken: 'A user with this email address already exists.',
  tenant_not_found: 'No such tenant.',
  tenant_exists: 'A tenant with this name already exists.',
  invalid_tenant_name: 'A tenant name is 2 to 40 lowercase letters, digits or hyphens, starting with a letter.',
  app_not_found: 'No such app.',
  user_not_found: 'No such user.',
  invalid_redirect_uri: 'Redirect URIs must be absolute https URLs (http only for localhost), with no wildcard or fragment.',
  password_too_short: 'Your password is too short.',
  password_too_long: 'Your password is too long.',
  flow_not_found: 'This page has expired. Start again.',
  flow_expired: 'This page has expired. Start again.',
  flow_state_mismatch: 'This step is not available now. Start again.',
  csrf_mismatch: 'Your session has expired. Reload the page and try again.',
  no_signing_key: 'The tenant has no signing key.',
  invalid_passcode: 'That code is wrong or has expired. Check the code and try again.',
  too_many_attempts: 'Too many wrong codes. Start again to get a new code.',
  too_many_sends: 'Too many codes were sent. Start again later.',
  resend_too_soon: 'Wait a few seconds before asking for another code.',
  password_mismatch: 'The passwords do not match.',
  password_recently_used: 'Choose a password you have not used before.',
  method_not_available: 'This sign-in method is not available.',
  sign_up_not_allowed: 'Sign-up is not available for this app.',
  attribute_required: 'Fill in every required field.',
  attribute_invalid: 'One of the values is not valid.',
  rate_limited: 'Too many requests. Wait a moment and try again.',
  password_blocked: 'This password is too common or too easy to guess. Choose another one.',
  password_too_simple: 'Use at least three of: lower-case letters, upper-case letters, digits, symbols.',
  unauthenticated: 'Authenticate with a bearer token: an administrator access token or an API key.',
  forbidden: 'Your role does not allow this.',
  api_key_not_found: 'No such API key, or it was revoked already.',
  precondition_failed: 'The resource changed since you read it (If-Match does not match its ETag). Read it again and retry.',
  precondition_required: 'Send If-Match with the ETag you read, so a change made meanwhile is not overwritten.',
  invalid_cursor: 'The cursor is not valid. Start again from the first page.',
  user_flow_not_found: 'No such user flow.',
  user_flow_in_use: 'Apps still use this user flow. Link them to another flow first.',
  user_flow_needs_method: 'A user flow needs at least one sign-in method.',
  sspr_needs_password: 'Password reset (SSPR) needs the Email with password method in the flow.',
  attribute_not_found: 'No such custom attribute.',
  attribute_exists: 'A custom attribute with this name already exists.',
  attribute_in_use: 'A user flow still collects this attribute. Remove it from those flows first.',
  unknown_attribute: 'The user flow names an attribute that is neither built in nor defined.',
  group_not_found: 'No such group.',
  group_exists: 'A group with this name already exists.',
  secret_not_found: 'No such client secret, or it was revoked already.',
  confirmation_mismatch: 'To delete the tenant, send its name in the confirm field.',
  invalid_branding: 'The branding is not valid.',
  group_in_use: 'The authentication methods policy names this group. Remove it from the policy first.',
  invalid_policy: 'The policy is not consistent.',
} as const;

export type ErrorCode = keyof typeof ErrorCode;

/** A failure the domain expects and names; carries no HTTP status. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
    /** Facts a front door may need to answer (e.g. when a rate-limited client may retry). */
    readonly meta: { retryAfterMs?: number } = {},
  ) {
    super(detail ?? ErrorCode[code]);
    this.name = 'DomainError';
  }
}

/** Narrows `value` to non-null and truthy, or throws the named domain error. */
export function assertThat<T>(value: T, code: ErrorCode, detail?: string): asserts value is NonNullable<T> {
  if (!value) throw new DomainError(code, detail);
}
