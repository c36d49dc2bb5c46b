import fc from 'fast-check';
import {
  anyValue,
  cookieHeader,
  encodeURIComponentLoose,
  formBody,
  headers,
  mutated,
  type Pairs,
  polluted,
  queryStyle,
  serialize,
  sometimes,
  sourceAddress,
  text,
} from './arbitraries.ts';
import type { Probe } from './oracle.ts';
import type { FuzzTenant, World } from './world.ts';

/**
 * Requests to each tenant's oidc-provider: authorize with random parameters, token with random
 * grant types and client authentication, userinfo with random bearer tokens, logout with random
 * post_logout_redirect_uri and id_token_hint, revocation, discovery and JWKS, and paths beside them.
 */

/** A parameter present in `percent` of the requests. */
const opt = <T>(arb: fc.Arbitrary<T>, percent = 40) => sometimes(arb, percent);
const pick = <T>(real: T, other: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary: fc.constant(real) }, { weight: 2, arbitrary: other });
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponentLoose(id)}:${encodeURIComponentLoose(secret)}`).toString('base64')}`;

/** name → value for the parameters present, then polluted and serialized. */
function params(record: Record<string, string | undefined>): Pairs {
  return Object.entries(record).flatMap(([k, v]) => (v === undefined ? [] : [[k, v] as [string, string]]));
}

function authorize(t: FuzzTenant): fc.Arbitrary<Pairs> {
  return fc
    .record({
      client_id: opt(pick(t.publicApp.id, fc.oneof(text, fc.constant(t.confidentialApp.id), fc.constant(t.passcodeAppId))), 90),
      redirect_uri: opt(
        pick(
          t.publicApp.redirectUri,
          fc.oneof(text, fc.constantFrom('javascript:alert(1)', 'http://127.0.0.1:5173/callback#x', 'http://127.0.0.1:9/callback', 'https://evil.example/')),
        ),
        90,
      ),
      response_type: opt(pick('code', fc.constantFrom('token', 'id_token', 'code id_token', 'none', '')), 90),
      scope: opt(pick('openid', fc.oneof(text, fc.constantFrom('openid offline_access', 'profile', 'openid email profile address phone', 'openid openid')))),
      state: opt(anyValue),
      nonce: opt(anyValue),
      code_challenge: opt(pick('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', fc.oneof(text, fc.constant('a'.repeat(43))))),
      code_challenge_method: opt(fc.constantFrom('S256', 'plain', 's256', 'RS256', '')),
      prompt: opt(fc.constantFrom('none', 'login', 'consent', 'create', 'select_account', 'login consent', 'none login', 'x')),
      login_hint: opt(anyValue),
      ui_locales: opt(fc.oneof(fc.constantFrom('de fr', 'zz-ZZ', '*'), text)),
      max_age: opt(fc.oneof(fc.constantFrom('0', '-1', '1e309', 'NaN', '99999999999999999999'), text)),
      claims: opt(fc.oneof(fc.constantFrom('{"userinfo":{"email":null}}', '{"id_token":{"acr":{"essential":true}}}', '{', '[]', 'null'), text)),
      request: opt(fc.oneof(fc.constant('eyJhbGciOiJub25lIn0.eyJjbGllbnRfaWQiOiJ4In0.'), text)),
      request_uri: opt(fc.oneof(fc.constant('urn:ietf:params:oauth:request_uri:abc'), text)),
      response_mode: opt(fc.constantFrom('query', 'fragment', 'form_post', 'jwt', 'query.jwt', 'web_message', 'x')),
      id_token_hint: opt(pick(t.tokens.id, mutated(t.tokens.id))),
      acr_values: opt(text),
      display: opt(fc.constantFrom('page', 'popup', 'touch', 'x')),
      resource: opt(fc.constantFrom('https://api.example', 'urn:x', 'not a url')),
      registration: opt(text),
      extra: opt(text),
    })
    .map(params);
}

function token(t: FuzzTenant): fc.Arbitrary<{ pairs: Pairs; authorization?: string }> {
  const grant = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('authorization_code', 'refresh_token') },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        'client_credentials',
        'password',
        'implicit',
        'urn:ietf:params:oauth:grant-type:device_code',
        'urn:ietf:params:oauth:grant-type:token-exchange',
        'urn:ietf:params:oauth:grant-type:jwt-bearer',
        'urn:openid:params:grant-type:ciba',
        '',
      ),
    },
    { weight: 1, arbitrary: text },
  );
  const authorization = fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    { weight: 2, arbitrary: fc.constant(basic(t.confidentialApp.id, t.confidentialApp.secret)) },
    { weight: 1, arbitrary: fc.tuple(text, text).map(([id, secret]) => basic(id, secret)) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'Basic',
        'Basic ',
        'Basic %%%',
        `Basic ${Buffer.from('no-colon').toString('base64')}`,
        'Bearer abc',
        'basic Og==',
        `Basic ${'A'.repeat(5000)}`,
      ),
    },
  );
  return fc
    .record({
      grant_type: opt(grant, 95),
      code: opt(fc.oneof(text, fc.constant('x'.repeat(43)))),
      code_verifier: opt(fc.oneof(text, fc.constant('a'.repeat(43)), fc.constant('a'.repeat(129)))),
      redirect_uri: opt(pick(t.publicApp.redirectUri, text)),
      refresh_token: opt(pick(t.tokens.refresh, mutated(t.tokens.refresh))),
      client_id: opt(pick(t.publicApp.id, fc.oneof(text, fc.constant(t.confidentialApp.id)))),
      client_secret: opt(pick(t.confidentialApp.secret, text), 10),
      client_assertion_type: opt(fc.constant('urn:ietf:params:oauth:client-assertion-type:jwt-bearer'), 10),
      client_assertion: opt(fc.oneof(fc.constant('eyJhbGciOiJIUzI1NiJ9.e30.x'), text), 10),
      scope: opt(fc.oneof(fc.constant('openid'), text), 10),
      username: opt(text, 10),
      password: opt(text, 10),
      device_code: opt(text, 10),
      subject_token: opt(text, 10),
      resource: opt(text, 10),
    })
    .chain((record) => fc.record({ pairs: fc.constant(params(record)), authorization }));
}

function bearer(t: FuzzTenant): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant(`Bearer ${t.tokens.access}`) },
    { weight: 3, arbitrary: mutated(t.tokens.access).map((v) => `Bearer ${v}`) },
    { weight: 2, arbitrary: text.map((v) => `Bearer ${v}`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'Bearer',
        'Bearer ',
        'Bearer  x',
        'bearer abc',
        'DPoP abc',
        `Bearer ${t.tokens.id}`,
        `Bearer ${t.tokens.refresh}`,
        `Bearer ${'a'.repeat(9000)}`,
      ),
    },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

function logout(t: FuzzTenant): fc.Arbitrary<Pairs> {
  return fc
    .record({
      post_logout_redirect_uri: opt(
        pick(
          'http://127.0.0.1:5173/signed-out',
          fc.oneof(text, fc.constantFrom('javascript:alert(1)', 'https://evil.example/', '//evil.example', 'http://127.0.0.1:5173/signed-out?x=1')),
        ),
        80,
      ),
      id_token_hint: opt(pick(t.tokens.id, fc.oneof(mutated(t.tokens.id), text))),
      client_id: opt(pick(t.publicApp.id, text)),
      state: opt(anyValue),
      ui_locales: opt(text),
      logout_hint: opt(anyValue),
      xsrf: opt(anyValue),
      logout: opt(fc.constantFrom('yes', 'no', 'true', '')),
    })
    .map(params);
}

/** The cookies an OIDC request may carry: the signed-in session, nothing, or junk. */
const oidcCookies = (t: FuzzTenant) => cookieHeader(t.sessionCookies);

function endpointProbe(world: World): fc.Arbitrary<Probe> {
  return fc.constantFrom(...world.tenants).chain((t) => {
    const base = `/${t.name}`;
    const h = (accept: 'html' | 'json') => headers(oidcCookies(t), accept);
    const query = (pairs: fc.Arbitrary<Pairs>) => fc.tuple(pairs.chain(polluted), queryStyle).map(([p, style]) => serialize(p, style));
    const get = (route: string, path: string, q: fc.Arbitrary<Pairs>, accept: 'html' | 'json', expect: Probe['expect'], methods = ['GET']) =>
      fc.record({ q: query(q), headers: h(accept), from: sourceAddress, method: fc.constantFrom(...methods) }).map(
        (p): Probe => ({
          surface: 'oidc',
          route: `${p.method} /{t}${route}`,
          expect,
          request: { method: p.method, path: `${base}${path}${p.q ? `?${p.q}` : ''}`, headers: p.headers, from: p.from },
        }),
      );
    const post = (
      route: string,
      path: string,
      pairs: fc.Arbitrary<Pairs>,
      accept: 'html' | 'json',
      expect: Probe['expect'],
      extra: fc.Arbitrary<Record<string, string>> = fc.constant({}),
    ) =>
      fc
        .record({
          pairs: pairs.chain(polluted),
          headers: h(accept),
          extra,
          from: sourceAddress,
          q: sometimes(fc.constantFrom('?a=1', '?grant_type=password', '?client_id=x&client_id=y'), 10),
        })
        .chain((p) =>
          formBody(p.pairs).map(
            (body): Probe => ({
              surface: 'oidc',
              route: `POST /{t}${route}`,
              expect,
              request: {
                method: 'POST',
                path: `${base}${path}${p.q ?? ''}`,
                headers: { ...p.headers, ...p.extra, ...(body.contentType ? { 'content-type': body.contentType } : {}) },
                body: body.body,
                from: p.from,
              },
            }),
          ),
        );
    const randomQuery = fc.array(fc.tuple(fc.oneof(text, fc.constantFrom('callback', 'format', 'x')), anyValue), { maxLength: 3 });
    return fc.oneof(
      { weight: 6, arbitrary: get('/oauth2/v2.0/authorize', '/oauth2/v2.0/authorize', authorize(t), 'html', 'page') },
      { weight: 2, arbitrary: post('/oauth2/v2.0/authorize', '/oauth2/v2.0/authorize', authorize(t), 'html', 'page') },
      {
        weight: 6,
        arbitrary: token(t).chain(({ pairs, authorization }) =>
          post(
            '/oauth2/v2.0/token',
            '/oauth2/v2.0/token',
            fc.constant(pairs),
            'json',
            'json',
            fc.constant<Record<string, string>>(authorization ? { authorization } : {}),
          ),
        ),
      },
      {
        weight: 4,
        arbitrary: fc.tuple(bearer(t), fc.constantFrom('GET', 'POST', 'GET', 'PUT', 'OPTIONS')).chain(([authorization, method]) =>
          method === 'POST'
            ? post(
                '/openid/v2.0/userinfo',
                '/openid/v2.0/userinfo',
                opt(pick(t.tokens.access, text), 10).map((v) => (v === undefined ? [] : [['access_token', v]])),
                'json',
                'json',
                fc.constant<Record<string, string>>(authorization ? { authorization } : {}),
              )
            : fc.record({ headers: h('json'), from: sourceAddress }).map(
                (p): Probe => ({
                  surface: 'oidc',
                  route: `${method} /{t}/openid/v2.0/userinfo`,
                  expect: 'json',
                  request: {
                    method,
                    path: `${base}/openid/v2.0/userinfo`,
                    headers: { ...p.headers, ...(authorization ? { authorization } : {}) },
                    from: p.from,
                  },
                }),
              ),
        ),
      },
      { weight: 3, arbitrary: get('/oauth2/v2.0/logout', '/oauth2/v2.0/logout', logout(t), 'html', 'page') },
      { weight: 2, arbitrary: post('/oauth2/v2.0/logout', '/oauth2/v2.0/logout', logout(t), 'html', 'page') },
      { weight: 2, arbitrary: post('/oauth2/v2.0/logout/confirm', '/oauth2/v2.0/logout/confirm', logout(t), 'html', 'page') },
      {
        weight: 2,
        arbitrary: post(
          '/oauth2/v2.0/revoke',
          '/oauth2/v2.0/revoke',
          fc
            .record({
              token: opt(pick(t.tokens.refresh, text), 85),
              token_type_hint: opt(fc.constantFrom('access_token', 'refresh_token', 'x')),
              client_id: opt(pick(t.publicApp.id, text), 85),
            })
            .map(params),
          'json',
          'json',
          fc.oneof(fc.constant({}), fc.constant({ authorization: basic(t.confidentialApp.id, t.confidentialApp.secret) })),
        ),
      },
      {
        weight: 2,
        arbitrary: get('/v2.0/.well-known/openid-configuration', '/v2.0/.well-known/openid-configuration', randomQuery, 'json', 'json', [
          'GET',
          'HEAD',
          'OPTIONS',
          'POST',
          'PUT',
        ]),
      },
      { weight: 2, arbitrary: get('/discovery/v2.0/keys', '/discovery/v2.0/keys', randomQuery, 'json', 'json', ['GET', 'HEAD', 'OPTIONS', 'POST', 'DELETE']) },
      {
        weight: 2,
        arbitrary: fc
          .constantFrom(
            '/oauth2/v2.0/',
            '/oauth2/v2.0/authorize/',
            '/oauth2/v2.0/authorize/abc',
            '/oauth2/v2.0/token/x',
            '/oauth2/v2.0/introspect',
            '/oauth2/v2.0/device/auth',
            '/oauth2/v2.0/reg',
            '/oauth2/v2.0/request',
            '/oauth2/v2.0/session/end',
            '/oauth2/v2.0/..%2f..%2fhealth',
            '/oauth2/v2.0/%2e%2e/%2e%2e/ready',
            '/oauth2/v2.0/logout/confirm/x',
            '/oauth2/v2.0/backchannel',
            '/oauth2/v2.0/me',
          )
          .chain((path) => get(path, path, randomQuery, 'json', 'any', ['GET', 'POST', 'OPTIONS', 'DELETE'])),
      },
    );
  });
}

export function oidcProbes(world: World): fc.Arbitrary<Probe> {
  return endpointProbe(world);
}
