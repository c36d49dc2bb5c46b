import fc from 'fast-check';
import { anyValue, email, huge, mutated, text } from './arbitraries.ts';
import type { AdminOperation, AdminTenant, AdminWorld } from './admin-world.ts';
import type { JsonSchema } from './schema-values.ts';

/**
 * The path and query of admin API requests: the tenant (the fuzz's own, throwaway, read-only or
 * hostile), real ids of that tenant (and of other tenants, and of other kinds), cursors that
 * decode to hostile keys, times at the edges of what dates and databases hold.
 */

/** The tenant segment of a request (decoded), and the tenant it names when it names one of the world's. */
export interface TenantChoice {
  segment: string;
  tenant?: AdminTenant;
  throwaway: boolean;
}

/** Decoded path segments (the probe percent-encodes them once): reserved names, dot segments, slashes, lengths about the caps. */
const hostileSegment: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('admin', 'ADMIN', 'Demo', '..', '.', '/', 'a/b', ' ', 'a'.repeat(64), 'a'.repeat(65), 'a'.repeat(200), 'é', '~', '*', '%', '%2e'),
  text,
  huge.map((h) => h.slice(0, 180)),
);

/** A tenant for `op`: mostly the fuzz's own; a throwaway one where deleting is the point; others read only. */
export function tenantChoice(world: AdminWorld, op: AdminOperation): fc.Arbitrary<TenantChoice> {
  const own = fc.constantFrom(...world.tenants).map((tenant): TenantChoice => ({ segment: tenant.name, tenant, throwaway: false }));
  const gone = fc.constantFrom(...world.throwaway).map((tenant): TenantChoice => ({ segment: tenant.name, tenant, throwaway: true }));
  const other = fc.constantFrom(...world.readOnly).map((name): TenantChoice => ({ segment: name, throwaway: false }));
  const hostile = fc
    .oneof(
      hostileSegment,
      fc.constantFrom(...world.tenants.map((t) => t.name)).chain((name) => mutated(name)),
    )
    .map((segment): TenantChoice => ({ segment, throwaway: false }));
  const deletesTenant = op.method === 'DELETE' && op.path === '/admin/v1/tenants/{tenant}';
  return fc.oneof(
    { weight: deletesTenant ? 3 : 16, arbitrary: own },
    { weight: deletesTenant ? 4 : 1, arbitrary: gone },
    { weight: op.write ? 0 : 2, arbitrary: other },
    { weight: 2, arbitrary: hostile },
  );
}

/** Which of a tenant's lists a path parameter draws from: by its name, else by the segment before it. */
function poolOf(op: AdminOperation, param: string): keyof Omit<AdminTenant, 'name' | 'emails'> | 'apiKeys' | 'admins' | 'locales' | undefined {
  const byName = { appId: 'apps', userId: 'users', secretId: 'secrets', locale: 'locales' } as const;
  if (param in byName) return byName[param as keyof typeof byName];
  const segment = op.path.split('/').at(op.path.split('/').indexOf(`{${param}}`) - 1);
  const bySegment = {
    users: 'users',
    apps: 'apps',
    groups: 'groups',
    'user-flows': 'flows',
    'custom-attributes': 'attributes',
    'api-keys': 'apiKeys',
    admins: 'admins',
  } as const;
  return segment && segment in bySegment ? bySegment[segment as keyof typeof bySegment] : undefined;
}

/** Branding languages: tags the API takes (most), and ones it refuses. */
const LOCALES = ['default', 'default', 'en', 'de-DE', 'fr', 'zh-Hant-TW', 'sr-Latn', 'pt-BR', 'EN-us', 'x-klingon', 'de_DE', 'en-', 'a'.repeat(64)];

/** A path parameter other than the tenant: a real id of the tenant most often, else one of another tenant or kind, or hostile. */
export function pathParam(world: AdminWorld, op: AdminOperation, param: string, tenant: AdminTenant | undefined): fc.Arbitrary<string> {
  const pool = poolOf(op, param);
  const everyone = [...world.tenants, ...world.throwaway];
  const real =
    pool === 'apiKeys'
      ? world.decoyKeyIds
      : pool === 'admins'
        ? world.adminIds
        : pool === 'locales'
          ? LOCALES
          : pool
            ? ((tenant ?? world.tenants[0])?.[pool] ?? [])
            : [];
  const foreign = everyone.flatMap((t) => [...t.users, ...t.apps, ...t.groups, ...t.flows, ...t.secrets]);
  const options: Array<fc.WeightedArbitrary<string>> = [
    { weight: 2, arbitrary: fc.constantFrom(...foreign) },
    { weight: 2, arbitrary: hostileSegment },
  ];
  if (real.length > 0) {
    options.push({ weight: 14, arbitrary: fc.constantFrom(...real) }, { weight: 1, arbitrary: fc.constantFrom(...real).chain((id) => mutated(id)) });
  }
  return fc.oneof(...options);
}

/** An opaque cursor: base64url JSON of keys right and wrong (NUL, lone surrogates, huge numbers, objects), or no base64 at all. */
const cursor: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .oneof(
        fc.array(fc.oneof(text, fc.integer(), fc.double()), { minLength: 1, maxLength: 3 }),
        fc.constantFrom<unknown[]>(
          ['\u0000'],
          ['\uD800'],
          [1e308],
          [-1],
          [2 ** 63],
          ['000000000000001:x'],
          ['z'.repeat(2000)],
          [{}],
          [null],
          [true],
          [[1]],
          ['a', 'b', 'c', 'd'],
          [1, 'x'],
          ['x', 1],
        ),
      )
      .map((key) => Buffer.from(JSON.stringify(key), 'utf8').toString('base64url')),
  },
  { weight: 1, arbitrary: fc.constantFrom('', '=', 'null', 'W10', 'e30', 'IiI', 'bnVsbA', '!!', 'x'.repeat(513)) },
  { weight: 1, arbitrary: anyValue },
);

/** RFC 3339 times, with the edges: year 0 and 9999, leap seconds, offsets, impossible dates, lower case. */
const instant: fc.Arbitrary<string> = fc.oneof(
  fc.date({ min: new Date(0), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom(
    '0000-01-01T00:00:00Z',
    '0001-01-01T00:00:00Z',
    '9999-12-31T23:59:59Z',
    '1969-12-31T23:59:59.999Z',
    '2024-02-30T00:00:00Z',
    '2016-12-31T23:59:60Z',
    '2024-01-01T00:00:00+14:00',
    '2024-01-01T00:00:00-23:59',
    '2024-01-01t00:00:00z',
    '2024-01-01T00:00:00.123456789Z',
    '2024-01-01',
    '+275760-09-13T00:00:00Z',
    '1e10',
  ),
);

const limit = fc.oneof(fc.constantFrom('1', '2', '50', '200'), fc.constantFrom('0', '201', '-1', '1e2', '01', ' 5', '5 ', '1.5', 'NaN', '9'.repeat(20)));

/** A query value for parameter `name` of `schema` on `tenant`. */
export function queryValue(name: string, schema: JsonSchema, tenant: AdminTenant | undefined): fc.Arbitrary<string> {
  const t = tenant ?? { users: ['x'], emails: ['a@example.com'] };
  const known: Record<string, fc.Arbitrary<string>> = {
    limit,
    cursor,
    from: instant,
    to: instant,
    userId: fc.constantFrom(...t.users),
    email: fc.oneof(fc.constantFrom(...t.emails), email(t.emails)),
    emailPrefix: fc.oneof(fc.constantFrom('admin', 'admin-fuzz-1', '%', '_', '\\', '%_%', "'", 'ADMIN'), email(t.emails)),
    actor: fc.constantFrom('cli', 'api_key:x', 'admin:x', '%', "' OR 1=1 --"),
    action: fc.constantFrom('user.created', 'app.created', 'tenant.renamed', 'password_reset', '%', ''),
    target: fc.constantFrom(...t.users, '%', ''),
  };
  const schemaValue = schema.enum ? fc.constantFrom(...schema.enum.map(String)) : text;
  return fc.oneof({ weight: 4, arbitrary: known[name] ?? schemaValue }, { weight: 1, arbitrary: anyValue });
}
