import type { App } from '../core/apps/app.ts';
import type { Tenant } from '../core/tenants/tenant.ts';
import type { User } from '../core/users/user.ts';

/** Which claims each scope releases (Entra's names: oid, tid, preferred_username = email). */
export const scopeClaims = {
  openid: ['sub', 'oid', 'tid'],
  email: ['email', 'email_verified'],
  profile: ['name', 'preferred_username', 'given_name', 'family_name'],
} as const;

/** The claims a user can be described by; oidc-provider filters them by granted scope. */
export function userClaims(user: User, tenant: Tenant): Record<string, unknown> {
  const given = user.attributes.givenName;
  const family = user.attributes.surname;
  return {
    sub: user.id,
    oid: user.id,
    tid: tenant.id,
    email: user.email,
    email_verified: user.emailVerified,
    name: user.displayName,
    preferred_username: user.email,
    ...(typeof given === 'string' ? { given_name: given } : {}),
    ...(typeof family === 'string' ? { family_name: family } : {}),
  };
}

/** oidc-provider client metadata for an app registration. */
export function clientMetadata(app: App): Record<string, unknown> {
  return {
    client_id: app.id,
    client_name: app.name,
    application_type: 'web',
    redirect_uris: app.redirectUris,
    post_logout_redirect_uris: app.postLogoutRedirectUris,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    id_token_signed_response_alg: 'RS256',
    // Why: without it auth_time appears only when max_age or prompt=login asked for it, so an app
    // cannot compare the auth_time of two ID tokens to see that a re-authentication happened.
    require_auth_time: true,
    ...(app.type === 'confidential' && app.secretHash !== null
      ? { token_endpoint_auth_method: 'client_secret_basic', client_secret: app.secretHash }
      : { token_endpoint_auth_method: 'none' }),
  };
}
