import fc from 'fast-check';
import { anyValue, type Body, encodeURIComponentLoose, latin1, type Pairs, queryStyle, serialize, sometimes, sourceAddress, text } from './arbitraries.ts';
import { hintsFor } from './admin-hints.ts';
import { pathParam, queryValue, type TenantChoice, tenantChoice } from './admin-values.ts';
import type { AdminOperation, AdminWorld } from './admin-world.ts';
import type { Probe } from './oracle.ts';
import { deep, shaped } from './schema-values.ts';

/**
 * Requests to every operation of the admin REST API, read from its OpenAPI document: real and
 * hostile path parameters, list queries, schema-shaped JSON bodies with one thing wrong now and
 * then (or not JSON at all), If-Match headers, and credentials of every role, none or garbage.
 * Most carry a global administrator's key, so the input, not the guard, decides the answer.
 */

/** The Authorization header: a valid global key most of the time, other roles, none or garbage otherwise. */
function authorization(world: AdminWorld): fc.Arbitrary<string | undefined> {
  const { keys } = world;
  return fc.oneof(
    { weight: 40, arbitrary: fc.constant(`Bearer ${keys.global}`) },
    { weight: 3, arbitrary: fc.constantFrom(`Bearer ${keys.tenantAdmin}`, `Bearer ${keys.auditor}`, `Bearer ${keys.scopedAuditor}`) },
    { weight: 2, arbitrary: fc.constant(undefined) },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        `Bearer ${keys.revoked}`,
        `bearer ${keys.global}`,
        `Bearer   ${keys.global}  `,
        `Bearer ${keys.global}x`,
        `Bearer ${keys.global.slice(0, -1)}`,
        `Bearer ${keys.global.toUpperCase()}`,
        `Bearer ${keys.global.replace(/_[^_]*$/, '_')}`,
        'Bearer lk_',
        'Bearer lk__',
        'Bearer lk_x_y',
        'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
        `Bearer ${'a'.repeat(2048)}`,
        `Bearer ${'a'.repeat(2049)}`,
        'Bearer',
        'Bearer ',
        `Basic ${Buffer.from(`x:${keys.global}`).toString('base64')}`,
        `Bearer ${keys.global}, Bearer ${keys.auditor}`,
        'Bearer ====',
      ),
    },
    { weight: 1, arbitrary: text.map((t) => `Bearer ${latin1(t)}`) },
  );
}

/** If-Match on a change: absent, `*`, a stale or malformed tag. */
const ifMatch: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 5, arbitrary: fc.constant('*') },
  { weight: 2, arbitrary: fc.constantFrom('"0000000000000000000000000000"', 'W/"abc"', '"stale", "older"') },
  { weight: 1, arbitrary: fc.constantFrom('', '"', '""', ',', ' * ', '*, "x"', 'x'.repeat(300), '"\u00e9"') },
  { weight: 1, arbitrary: text.map(latin1) },
);

const json = (value: unknown, contentType = 'application/json'): Body => ({ contentType, body: Buffer.from(JSON.stringify(value) ?? 'null', 'utf8') });

/** Bytes that are not the JSON document asked for: malformed, other documents, invalid UTF-8, too big. */
const notJson: fc.Arbitrary<Body> = fc.oneof(
  fc
    .constantFrom(
      '',
      '{',
      '{"a":1,}',
      "{'a':1}",
      '{"a":NaN}',
      '{"a":1e400}',
      '{"name":"a","name":"b"}',
      '\uFEFF{}',
      '{"__proto__":{"admin":true}}',
      '{"constructor":{"prototype":{"x":1}}}',
      '{"a":"\\ud800"}',
      '{"a":"\\u0000"}',
      `${'['.repeat(10_000)}${']'.repeat(10_000)}`,
      `{"a":${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}}`,
    )
    .map((s) => ({ contentType: 'application/json', body: Buffer.from(s, 'utf8') })),
  fc
    .uint8Array({ minLength: 1, maxLength: 32 })
    .map((junk) => ({ contentType: 'application/json', body: Buffer.concat([Buffer.from('{"name":"'), Buffer.from(junk), Buffer.from('"}')]) })),
  fc.constant({ contentType: 'application/json', body: Buffer.from(`{"name":"${'a'.repeat(70 * 1024)}"}`) }),
);

/** The body of a request to `op`: schema-shaped JSON most of the time, under the right content type or another. */
function body(op: AdminOperation, hints: ReturnType<typeof hintsFor>): fc.Arbitrary<Body> {
  const value: fc.Arbitrary<unknown> = op.body
    ? shaped(op.body, '', hints)
    : fc.oneof(fc.constant(undefined), fc.constantFrom<unknown>({}, null, [], 'x'), deep);
  // Other types, and other spellings of JSON's (case, parameters) that must parse the same.
  const otherType = fc.constantFrom(
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/xml',
    'application/merge-patch+json',
    'application/json-patch+json',
    'application/json; charset=utf-16',
    'APPLICATION/JSON',
    'application/json; charset=utf-8',
    'application/jsonx',
    '*/*',
  );
  return fc.oneof(
    { weight: 16, arbitrary: value.map((v) => (v === undefined ? {} : json(v))) },
    { weight: 2, arbitrary: notJson },
    { weight: 2, arbitrary: fc.tuple(value, otherType).map(([v, type]) => json(v ?? {}, type)) },
    { weight: 1, arbitrary: value.map((v) => ({ body: Buffer.from(JSON.stringify(v ?? {}) ?? '') })) },
    { weight: 1, arbitrary: fc.constant({ contentType: 'application/json' }) },
  );
}

/** `?limit=…&cursor=…` and the list's filters, some of the time each, with unknown and repeated ones now and then. */
function query(op: AdminOperation, choice: TenantChoice): fc.Arbitrary<string> {
  const known = op.query.map(({ name, schema }) =>
    sometimes(
      queryValue(name, schema, choice.tenant).map((v): [string, string] => [name, v]),
      40,
    ),
  );
  const extra = fc.oneof(
    { weight: 8, arbitrary: fc.constant<Pairs>([]) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('limit', 'cursor', 'zz', 'limit[]', '__proto__', ''), anyValue).map((pair): Pairs => [pair]) },
    {
      weight: 1,
      arbitrary: fc.constant<Pairs>([
        ['limit', '1'],
        ['limit', '2'],
      ]),
    },
  );
  return fc.tuple(fc.tuple(...known), extra, queryStyle).map(([pairs, more, style]) => {
    const all = [...pairs.filter((p): p is [string, string] => p !== undefined), ...more];
    return all.length ? `?${serialize(all, style)}` : '';
  });
}

/** One request to `op` with everything in it generated. */
function operationProbe(world: AdminWorld, op: AdminOperation): fc.Arbitrary<Probe> {
  const choice = op.pathParams.includes('tenant') ? tenantChoice(world, op) : fc.constant<TenantChoice>({ segment: '', throwaway: false });
  return choice.chain((c) => {
    const others = op.pathParams.filter((p) => p !== 'tenant');
    const hints = hintsFor(world, op, c);
    const changes = ['PATCH', 'PUT', 'DELETE'].includes(op.method);
    return fc
      .record({
        params: fc.tuple(...others.map((p) => pathParam(world, op, p, c.tenant))),
        query: query(op, c),
        body: body(op, hints),
        authorization: authorization(world),
        ifMatch: changes ? ifMatch : sometimes(fc.constant('*'), 5),
        accept: fc.oneof(
          { weight: 12, arbitrary: fc.constant('application/json') },
          { weight: 2, arbitrary: fc.constantFrom('*/*', 'text/html,application/xhtml+xml,*/*;q=0.8', 'application/xml', 'text/html;q=0') },
          { weight: 1, arbitrary: fc.constant(undefined) },
        ),
        method: fc.oneof(
          { weight: 30, arbitrary: fc.constant(op.method) },
          { weight: 1, arbitrary: fc.constantFrom(op.method === 'GET' ? 'HEAD' : 'GET', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'DELETE', 'TRACE') },
        ),
        from: sourceAddress,
      })
      .map((p): Probe => {
        let path = op.path.replace('{tenant}', encodeURIComponentLoose(c.segment));
        others.forEach((name, i) => {
          path = path.replace(`{${name}}`, encodeURIComponentLoose(p.params[i] ?? ''));
        });
        const headers: Record<string, string> = {};
        if (p.authorization !== undefined) headers.authorization = p.authorization;
        if (p.accept !== undefined) headers.accept = p.accept;
        if (p.ifMatch !== undefined) headers['if-match'] = p.ifMatch;
        const sendsBody = p.method !== 'GET' && p.method !== 'HEAD' && p.body.body !== undefined;
        if (sendsBody && p.body.contentType) headers['content-type'] = p.body.contentType;
        return {
          surface: 'admin API',
          route: `${p.method} ${op.path}`,
          expect: 'api',
          request: { method: p.method, path: `${path}${p.query}`, headers, body: sendsBody ? p.body.body : undefined, from: p.from },
        };
      });
  });
}

/** Paths under /admin that no operation declares: the guard and the 404 must still answer JSON with no-store. */
function inventedProbe(world: AdminWorld): fc.Arbitrary<Probe> {
  const tenant = world.tenants[0]?.name ?? 'x';
  return fc
    .record({
      path: fc.constantFrom(
        '/admin/v1',
        '/admin/v1/',
        '/admin/v1/tenants/',
        `/admin/v1/tenants/${tenant}/`,
        `/admin/v1/tenants/${tenant}/unknown`,
        `/admin/v1/tenants/${tenant}/users/`,
        `/admin/v1/tenants/${tenant}/policies`,
        `/admin/v1/tenants/${tenant}/policies/unknown`,
        '/admin/v1/me/',
        '/admin/v2/tenants',
        '/admin/v1/tenants/%2e%2e/users',
        '/admin/v1/../v1/me',
        '/admin/v1/%2e%2e/openapi.json',
      ),
      method: fc.constantFrom('GET', 'POST', 'DELETE', 'PATCH'),
      authorization: authorization(world),
      from: sourceAddress,
    })
    .map(
      (p): Probe => ({
        surface: 'admin API',
        route: `${p.method} (invented admin path)`,
        expect: p.path.startsWith('/admin/v1') ? 'api' : 'any',
        request: {
          method: p.method,
          path: p.path,
          headers: p.authorization ? { authorization: p.authorization, accept: 'application/json' } : {},
          from: p.from,
        },
      }),
    );
}

/** Requests to every admin operation of `world` (from its OpenAPI document), and to invented admin paths now and then. */
export function adminProbes(world: AdminWorld): fc.Arbitrary<Probe> {
  const operations = world.operations.map((op) => operationProbe(world, op));
  return fc.oneof({ weight: 40, arbitrary: fc.oneof(...operations) }, { weight: 1, arbitrary: inventedProbe(world) });
}
