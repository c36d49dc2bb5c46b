import type Provider from 'oidc-provider';

/**
 * `http://127.0.0.1:53123/cb` → `http://127.0.0.1/cb`: the URI with the port of a loopback
 * authority removed, textually, so that nothing else about it (path, case, dots, encoding) is
 * normalised. Undefined for anything that is not an http loopback URI.
 */
export function withoutLoopbackPort(uri: string): string | undefined {
  const match = /^(http:\/\/(?:127\.0\.0\.1|\[::1\]|localhost))(?::\d{1,5})?([/?][^#]*)?$/.exec(uri);
  if (!match) return undefined;
  return `${match[1]}${match[2] ?? ''}`;
}

interface ClientView {
  clientAuthMethod?: string | undefined;
  redirectUris?: readonly string[] | undefined;
  postLogoutRedirectUris?: readonly string[] | undefined;
}

const loopbackMatch = (value: string, registered: readonly string[] | undefined) => {
  const requested = withoutLoopbackPort(value);
  return requested !== undefined && (registered ?? []).some((uri) => withoutLoopbackPort(uri) === requested);
};

/**
 * Why: RFC 8252 §7.3 and RFC 9700 §2.1 require an AS to accept any port on a loopback redirect URI
 * of a native app, which binds an ephemeral port at run time. oidc-provider does this only for
 * `application_type: native` clients, and marking our public apps native would also make it
 * demand an interaction on every request (no prompt=none). So public apps (no client secret,
 * i.e. SPAs and native apps) get the port exception here; matching stays exact in every other part
 * of the URI, and confidential (web) apps keep exact matching including the port.
 */
export function allowLoopbackPortVariance(provider: Provider): void {
  const proto = provider.Client.prototype;
  const exactRedirect = proto.redirectUriAllowed;
  const exactPostLogout = proto.postLogoutRedirectUriAllowed;
  proto.redirectUriAllowed = function redirectUriAllowed(this: ClientView & typeof proto, value: string) {
    return exactRedirect.call(this, value) || (this.clientAuthMethod === 'none' && loopbackMatch(value, this.redirectUris));
  };
  proto.postLogoutRedirectUriAllowed = function postLogoutRedirectUriAllowed(this: ClientView & typeof proto, value: string) {
    return exactPostLogout.call(this, value) || (this.clientAuthMethod === 'none' && loopbackMatch(value, this.postLogoutRedirectUris));
  };
}
