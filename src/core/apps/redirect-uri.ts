import { DomainError } from '../errors.ts';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Validates a redirect URI at registration (RFC 9700 §2.1, §2.6; RFC 8252): an absolute URL
 * without fragment, credentials or wildcard; https, or http only on a loopback host; public
 * (native) apps may also use a private-use scheme containing a dot (reverse domain name).
 */
export function validateRedirectUri(uri: string, appType: 'public' | 'confidential'): string {
  // The URL parser silently drops or re-encodes whitespace and control characters and accepts
  // `https:host`; such a URI would be stored as typed and could never match exactly.
  if (/[\s\p{Cc}]/u.test(uri) || (/^https?:/i.test(uri) && !/^https?:\/\//i.test(uri))) {
    throw new DomainError('invalid_redirect_uri', `"${uri.trim()}" contains spaces or control characters, or lacks "//".`);
  }
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new DomainError('invalid_redirect_uri', `"${uri}" is not an absolute URL.`);
  }
  if (uri.length > 2000 || uri.includes('*') || url.hash !== '' || uri.includes('#') || url.username !== '' || url.password !== '') {
    throw new DomainError('invalid_redirect_uri', `"${uri}" has a wildcard, fragment or credentials.`);
  }
  if (url.protocol === 'https:') return uri;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return uri;
  const scheme = url.protocol.slice(0, -1);
  if (appType === 'public' && scheme.includes('.') && /^[a-z][a-z0-9+.-]*$/.test(scheme)) return uri;
  throw new DomainError('invalid_redirect_uri', `"${uri}" must use https (http only for localhost).`);
}
