import fc from 'fast-check';
import { anyValue, cookieHeader, encodeURIComponentLoose, formBody, headers, type Pairs, queryStyle, serialize, sourceAddress, text } from './arbitraries.ts';
import type { Probe } from './oracle.ts';
import type { World } from './world.ts';

/**
 * Everything else a browser can reach: the demo app, the dev mailbox, health and readiness, the
 * stylesheet, and made-up paths (traversal, encoded slashes, odd tenant names and uids, methods).
 */

const FIXED: Array<{ path: string; methods: string[]; expect: Probe['expect'] }> = [
  { path: '/', methods: ['GET', 'HEAD', 'POST', 'OPTIONS'], expect: 'any' },
  { path: '/health', methods: ['GET', 'HEAD', 'POST', 'DELETE'], expect: 'json' },
  { path: '/ready', methods: ['GET', 'HEAD', 'PUT'], expect: 'json' },
  { path: '/static/latchkey.css', methods: ['GET', 'HEAD', 'POST'], expect: 'any' },
  { path: '/dev/mailbox', methods: ['GET', 'HEAD', 'POST'], expect: 'page' },
  { path: '/dev/mailbox.json', methods: ['GET', 'DELETE'], expect: 'json' },
  { path: '/demo', methods: ['GET', 'HEAD', 'POST'], expect: 'page' },
  { path: '/demo/login', methods: ['POST', 'POST', 'GET'], expect: 'page' },
  { path: '/demo/callback', methods: ['GET', 'GET', 'POST'], expect: 'page' },
  { path: '/demo/logout', methods: ['POST', 'GET'], expect: 'page' },
];

/** Tenant-like first segments: real (and re-cased) names, traversal, encodings, over-long. */
function tenantSegment(world: World): fc.Arbitrary<string> {
  const names = ['demo', ...world.tenants.map((t) => t.name)];
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...names) },
    { weight: 1, arbitrary: fc.constantFrom(...names).map((n) => n.toUpperCase()) },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        '..',
        '%2e%2e',
        '.',
        '%2f',
        'demo%2f..',
        'demo%00',
        '%00',
        '%C3%A9',
        '~',
        '*',
        'demo;x',
        'demo%3Fx',
        'a'.repeat(64),
        'a'.repeat(200),
        '%F0%9F%94%91',
      ),
    },
    { weight: 2, arbitrary: text.map(encodeURIComponentLoose) },
  );
}

function restSegment(world: World): fc.Arbitrary<string> {
  const uids = world.uids.length ? world.uids : ['x'];
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...uids).map((uid) => `interaction/${uid}`) },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        'interaction/',
        'interaction/%2e%2e%2f%2e%2e%2fhealth',
        'interaction/..%2F..%2Fready',
        'interaction/x/../../health',
        'interaction/a%2fb',
        'interaction/x/sign-up/details',
        'interaction/x/unknown',
        'oauth2/v2.0/authorize',
        'oauth2/v2.0/token',
        'openid/v2.0/userinfo',
        'discovery/v2.0/keys',
        'v2.0/.well-known/openid-configuration',
        '.well-known/openid-configuration',
        'v2.0/.well-known/../.well-known/openid-configuration',
        '',
        '.git/config',
        '.env',
        'admin',
        'metrics',
        'swagger',
        'graphql',
        'debug',
        'x.map',
      ),
    },
    {
      weight: 2,
      arbitrary: fc
        .array(fc.oneof(text.map(encodeURIComponentLoose), fc.constantFrom('..', '.', '%2e%2e', '', '%2f', '%C3%BF')), { minLength: 1, maxLength: 4 })
        .map((parts) => parts.join('/')),
    },
  );
}

const METHODS = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom('GET', 'POST') },
  { weight: 3, arbitrary: fc.constantFrom('HEAD', 'OPTIONS', 'PUT', 'DELETE', 'PATCH') },
  { weight: 2, arbitrary: fc.constantFrom('TRACE', 'PROPFIND', 'MKCOL', 'LOCK', 'SEARCH', 'PURGE', 'REPORT', 'LINK', 'QUERY') },
);

export function miscProbes(world: World): fc.Arbitrary<Probe> {
  const demoCookies = cookieHeader([]);
  const fixed = fc.constantFrom(...FIXED).chain((route) =>
    fc
      .record({
        method: fc.constantFrom(...route.methods),
        query: fc.array(fc.tuple(fc.constantFrom('code', 'state', 'iss', 'error', 'error_description', 'session_state', 'x'), anyValue), { maxLength: 4 }),
        style: queryStyle,
        headers: headers(demoCookies, 'html'),
        from: sourceAddress,
        body: fc.array(fc.tuple(text, anyValue), { maxLength: 3 }).chain((pairs: Pairs) => formBody(pairs)),
      })
      .map((p): Probe => {
        const query = p.query.length ? `?${serialize(p.query, p.style)}` : '';
        const withBody = p.method !== 'GET' && p.method !== 'HEAD';
        return {
          surface: 'other routes',
          route: `${p.method} ${route.path}`,
          expect: route.expect,
          request: {
            method: p.method,
            path: `${route.path}${query}`,
            headers: { ...p.headers, ...(withBody && p.body.contentType ? { 'content-type': p.body.contentType } : {}) },
            body: withBody ? p.body.body : undefined,
            from: p.from,
          },
        };
      }),
  );
  const invented = fc
    .record({
      method: METHODS,
      tenant: tenantSegment(world),
      rest: restSegment(world),
      headers: headers(cookieHeader([]), 'html'),
      from: sourceAddress,
      tail: fc.constantFrom('', '', '/', '?a=1&a=2', '?%', ';a=b'),
    })
    .map(
      (p): Probe => ({
        surface: 'other routes',
        route: `${p.method} (invented path)`,
        expect: 'any',
        request: { method: p.method, path: `/${p.tenant}/${p.rest}${p.tail}`, headers: p.headers, from: p.from },
      }),
    );
  return fc.oneof({ weight: 3, arbitrary: fixed }, { weight: 2, arbitrary: invented });
}
