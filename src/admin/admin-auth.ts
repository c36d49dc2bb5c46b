import type { FastifyRequest } from 'fastify';
import { ADMIN_TENANT } from '../core/admin/admin-directory.ts';
import { looksLikeApiKey } from '../core/admin/api-key.ts';
import type { AdminPrincipal } from '../core/admin/roles.ts';
import type { ProviderCache } from '../oidc/provider-cache.ts';
import type { Services } from '../services.ts';

/** `Bearer <token>` with a token of visible ASCII (RFC 6750 §2.1 b64token and our lk_ keys), bounded. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]{1,2048}=*) *$/i;

/** The bearer token of a request, or undefined when there is no well-formed one. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  return typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
}

/**
 * Turns a bearer token into an admin principal: an API key (`lk_…`) through the admin service,
 * anything else as an access token the admin directory's oidc-provider issued (opaque, looked up
 * in its store: unknown, expired or revoked tokens are not found). The account must still exist
 * and be enabled, and its grants are read now, so a demotion applies to the very next call.
 */
export function createAdminAuthenticator(deps: { services: Services; providers: ProviderCache }) {
  const { services, providers } = deps;

  async function fromAccessToken(token: string): Promise<AdminPrincipal | undefined> {
    const found = await providers.get(ADMIN_TENANT);
    if (!found) return undefined;
    const { provider } = found;
    const accessToken = await provider.AccessToken.find(token);
    if (!accessToken?.accountId || accessToken.isExpired) return undefined;
    // Signing out or revoking the grant ends the tokens issued under it.
    const grant = accessToken.grantId ? await provider.Grant.find(accessToken.grantId) : undefined;
    if (!grant || grant.accountId !== accessToken.accountId || grant.clientId !== accessToken.clientId) return undefined;
    return services.admin.principalOfAdmin(accessToken.accountId);
  }

  return async function authenticate(token: string): Promise<AdminPrincipal | undefined> {
    return looksLikeApiKey(token) ? services.admin.authenticateApiKey(token) : fromAccessToken(token);
  };
}
