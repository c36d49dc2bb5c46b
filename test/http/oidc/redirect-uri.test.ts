import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainError } from '../../../src/core/errors.ts';
import { HttpBrowser } from '../../fixtures/http-browser.ts';
import { dialects } from '../../fixtures/server.ts';
import { addApp, assertErrorPage, authorizationRequest, authorizeInBrowser, locationOf, redeem, signIn, suiteFixture } from './oidc-kit.ts';

const registered = 'https://app.example/cb';

const rejectsRegistration = (error: unknown) => error instanceof DomainError && error.code === 'invalid_redirect_uri';

for (const dialect of dialects()) {
  describe(`redirect URIs (${dialect})`, () => {
    const { server, tenant } = suiteFixture(dialect);

    it('F1: only the exact registered redirect_uri is accepted', async () => {
      const tt = await tenant({ redirectUri: registered });
      const variants = [
        'https://app.example/cb/',
        'https://app.example/cb?x=1',
        'https://app.example/CB',
        'https://app.example.evil/cb',
        'https://app.example@evil/cb',
        'https://APP.example/cb',
        'https://app.example/cb#fragment',
        'https://app.example:443/cb',
        'http://app.example/cb',
        'https://app.example/cb/../cb',
        'https://app.example/%63b',
      ];
      for (const redirectUri of variants) {
        const response = await fetch(authorizationRequest(server(), tt, { redirect_uri: redirectUri }).url, { redirect: 'manual' });
        await assertErrorPage(response, 'invalid_redirect_uri').catch((error: Error) => assert.fail(`${redirectUri}: ${error.message}`));
      }
      const exact = await fetch(authorizationRequest(server(), tt).url, { redirect: 'manual' });
      assert.equal(exact.status, 303);
      assert.match(exact.headers.get('location') ?? '', /\/interaction\//);
    });

    it('F2: an unregistered redirect_uri or an unknown client_id gets an error page, never a redirect', async () => {
      const tt = await tenant({ redirectUri: registered });
      const unregistered = await fetch(authorizationRequest(server(), tt, { redirect_uri: 'https://evil.example/cb' }).url, { redirect: 'manual' });
      await assertErrorPage(unregistered, 'invalid_redirect_uri');
      const unknownClient = await fetch(authorizationRequest(server(), tt, { client_id: 'no-such-app', redirect_uri: 'https://evil.example/cb' }).url, {
        redirect: 'manual',
      });
      await assertErrorPage(unknownClient, 'invalid_client');
    });

    it('F3: a public app registered on http loopback accepts any port there, and the code redeems with that port', async () => {
      const tt = await tenant({ type: 'public', redirectUri: 'http://127.0.0.1/cb' });
      const withPort = 'http://127.0.0.1:53123/cb';
      const { code, verifier, callbackUrl } = await signIn(server(), tt, { redirect_uri: withPort });
      assert.equal(`${callbackUrl.origin}${callbackUrl.pathname}`, withPort);
      assert.equal((await redeem(server(), tt, code, verifier, { redirect_uri: withPort })).status, 200);
      // Only the port may vary: the path is still matched exactly.
      const otherPath = await fetch(authorizationRequest(server(), tt, { redirect_uri: 'http://127.0.0.1:53123/cb/x' }).url, { redirect: 'manual' });
      await assertErrorPage(otherPath, 'invalid_redirect_uri');
    });

    it('F3: a confidential (web) app on loopback keeps exact matching, port included', async () => {
      const tt = await tenant({ type: 'confidential', redirectUri: 'http://127.0.0.1:8080/cb' });
      const response = await fetch(authorizationRequest(server(), tt, { redirect_uri: 'http://127.0.0.1:9090/cb' }).url, { redirect: 'manual' });
      await assertErrorPage(response, 'invalid_redirect_uri');
    });

    it('F3: registration refuses http on a non-loopback host, for web and public apps', async () => {
      const tt = await tenant();
      for (const type of ['confidential', 'public'] as const) {
        await assert.rejects(addApp(server(), tt, { type, redirectUris: ['http://app.example/cb'] }), rejectsRegistration, type);
      }
    });

    it('F4: registration refuses wildcard, fragment and credential redirect URIs', async () => {
      const tt = await tenant();
      for (const uri of [
        'https://*.example/cb',
        'https://app.example/*',
        'https://app.example/cb#x',
        'https://user:pw@app.example/cb',
        'javascript:alert(1)',
      ]) {
        await assert.rejects(addApp(server(), tt, { type: 'confidential', redirectUris: [uri] }), rejectsRegistration, uri);
      }
    });

    it('F33: scheme-relative, backslash, javascript: and foreign redirect_uri values are never redirected to', async () => {
      const tt = await tenant({ redirectUri: registered });
      for (const redirectUri of ['//evil.example/cb', '/\\evil.example/cb', 'javascript:alert(1)', 'https://evil.example', 'data:text/html,x']) {
        const response = await fetch(authorizationRequest(server(), tt, { redirect_uri: redirectUri }).url, { redirect: 'manual' });
        await assertErrorPage(response, /invalid_redirect_uri|invalid_request/).catch((error: Error) => assert.fail(`${redirectUri}: ${error.message}`));
      }
    });

    it('F33: a return_to parameter on the authorization request or the sign-in page does not steer any redirect', async () => {
      const tt = await tenant({ redirectUri: registered });
      const browser = new HttpBrowser();
      const request = authorizationRequest(server(), tt, { return_to: 'https://evil.example/' });
      const started = await authorizeInBrowser(browser, request.url);
      assert.equal(started.atApp, false);
      const page = await browser.get(`${started.landed.href}?return_to=${encodeURIComponent('https://evil.example/')}`);
      assert.equal(page.status, 200);
      assert.equal(locationOf(page, started.landed.href), undefined);
      const { callbackUrl } = await signIn(server(), tt, { return_to: 'https://evil.example/' });
      assert.equal(`${callbackUrl.origin}${callbackUrl.pathname}`, registered);
    });
  });
}
