import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainError } from '../errors.ts';
import { validateRedirectUri } from './redirect-uri.ts';

const refused = (uri: string, type: 'public' | 'confidential') => () => validateRedirectUri(uri, type);
const isInvalidRedirect = (error: unknown) => error instanceof DomainError && error.code === 'invalid_redirect_uri';

describe('redirect URI registration', () => {
  describe('https', () => {
    for (const uri of ['https://app.example.com/callback', 'https://app.example.com:8443/cb?tenant=contoso', 'https://example.com/']) {
      it(`accepts ${uri} for both app types, unchanged`, () => {
        assert.equal(validateRedirectUri(uri, 'confidential'), uri);
        assert.equal(validateRedirectUri(uri, 'public'), uri);
      });
    }
  });

  describe('http', () => {
    for (const uri of ['http://localhost/callback', 'http://localhost:3000/cb', 'http://127.0.0.1:49152/cb', 'http://[::1]:8080/cb']) {
      it(`accepts the loopback URI ${uri}`, () => {
        assert.equal(validateRedirectUri(uri, 'public'), uri);
        assert.equal(validateRedirectUri(uri, 'confidential'), uri);
      });
    }

    for (const uri of [
      'http://app.example.com/cb',
      'http://localhost.evil.example/cb',
      'http://localhost./cb',
      'http://10.0.0.1/cb',
      'http://127.0.0.1.nip.io/cb',
    ]) {
      it(`refuses ${uri}: http only for localhost, 127.0.0.1 and [::1]`, () => {
        assert.throws(refused(uri, 'confidential'), isInvalidRedirect);
        assert.throws(refused(uri, 'public'), isInvalidRedirect);
      });
    }
  });

  describe('forms that are never allowed', () => {
    const cases: Array<[string, string]> = [
      ['a wildcard host', 'https://*.example.com/cb'],
      ['a wildcard path', 'https://example.com/cb/*'],
      ['a fragment', 'https://example.com/cb#section'],
      ['an empty fragment', 'https://example.com/cb#'],
      ['a user name', 'https://user@example.com/cb'],
      ['credentials', 'https://user:secret@example.com/cb'],
      ['a relative path', '/callback'],
      ['a scheme-relative URL', '//example.com/callback'],
      ['javascript:', 'javascript:alert(document.domain)'],
      ['data:', 'data:text/html,<script>alert(1)</script>'],
      ['an empty string', ''],
      ['more than 2000 characters', `https://example.com/${'a'.repeat(2000)}`],
    ];
    for (const [what, uri] of cases) {
      it(`refuses ${what}`, () => {
        assert.throws(refused(uri, 'public'), isInvalidRedirect);
        assert.throws(refused(uri, 'confidential'), isInvalidRedirect);
      });
    }
  });

  describe('private-use schemes (RFC 8252 §7.1)', () => {
    it('accepts a reverse-domain scheme for a public (native) app', () => {
      assert.equal(validateRedirectUri('com.example.app:/oauth2redirect', 'public'), 'com.example.app:/oauth2redirect');
    });

    it('refuses a reverse-domain scheme for a confidential app', () => {
      assert.throws(refused('com.example.app:/oauth2redirect', 'confidential'), isInvalidRedirect);
    });

    it('refuses a private-use scheme without a dot, which any app could claim', () => {
      assert.throws(refused('myapp:/callback', 'public'), isInvalidRedirect);
    });

    it('refuses a fragment on a private-use scheme too', () => {
      assert.throws(refused('com.example.app:/cb#x', 'public'), isInvalidRedirect);
    });
  });

  it('names the offending URI in the error detail', () => {
    assert.throws(
      refused('http://app.example.com/cb', 'public'),
      (error: unknown) => isInvalidRedirect(error) && String((error as Error).message).includes('http://app.example.com/cb'),
    );
  });

  // The URL parser silently drops surrounding spaces, tabs and newlines, and reads "https:host" as
  // "https://host". The URI is stored as typed, so the registered value differs from the one a
  // client sends and exact matching can never succeed (and the admin sees something else again).
  for (const uri of [' https://example.com/cb', 'https://example.com/cb\n', 'https://exa\tmple.com/cb', 'https://example.com/c b', 'https:example.com/cb']) {
    it(`refuses ${JSON.stringify(uri)}, which the parser would rewrite`, () => {
      assert.throws(refused(uri, 'confidential'), isInvalidRedirect);
    });
  }
});
