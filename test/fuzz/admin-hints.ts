import fc from 'fast-check';
import { anyValue, email, mutated, password, text } from './arbitraries.ts';
import type { TenantChoice } from './admin-values.ts';
import type { AdminOperation, AdminWorld } from './admin-world.ts';
import type { Hints } from './schema-values.ts';

/**
 * Body field values for the admin API by field name, where a meaningful value reaches further
 * into a handler than the schema's shape alone: redirect URIs, colours, CSS, role grants,
 * policy targets, attribute names and values, the tenant's real ids. Mostly valid, so changes
 * go through and the next requests meet changed state; hostile now and then.
 */

/** Redirect URIs the API takes: https, or http on a loopback host. */
const goodUri = fc.constantFrom(
  'https://app.example/callback',
  'http://localhost:5173/cb',
  'http://127.0.0.1:8080/x',
  'https://app.example/a?b=c',
  'https://b.example/',
);
/** Any URI: good ones, the kinds a redirect URI check must refuse, random URLs and hostile text. */
const uri: fc.Arbitrary<string> = fc.oneof(
  goodUri,
  fc.constantFrom(
    'javascript:alert(1)',
    'https://*.example/cb',
    'https://app.example/#frag',
    'http://evil.example/',
    'data:text/html,x',
    '//app.example',
    'https://',
    'https://[::1]/x',
    'https://xn--80ak6aa92e.com/',
    'https://app.example/\u0000',
    `https://app.example/${'a'.repeat(1990)}`,
  ),
  fc.webUrl(),
  anyValue,
);
/** A list of URIs: valid ones mostly (so the change goes through), any of `uri` otherwise. */
const uris = (minLength: number) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.uniqueArray(goodUri, { minLength, maxLength: 3 }) },
    { weight: 1, arbitrary: fc.uniqueArray(fc.oneof(goodUri, uri), { minLength, maxLength: 4 }) },
  );
const color = fc.oneof(
  { weight: 12, arbitrary: fc.oneof(fc.stringMatching(/^#[0-9a-fA-F]{6}$/), fc.constant(null)) },
  { weight: 1, arbitrary: fc.constantFrom('#abc', 'red', '#gggggg', '#12345', '#1234567') },
);

const BUILT_IN = ['displayName', 'givenName', 'surname', 'jobTitle', 'streetAddress', 'city', 'state', 'postalCode', 'country'];
/** Keys a secret-aware decoder treats differently (their values may hold a NUL), and text keys the pages use. */
const SPECIAL_KEYS = ['password', 'confirm', 'newPassword', 'currentPassword', 'SignIn_Title', 'SignUp_Title', 'SisuOtc_Title', 'toString', '__proto__'];

/** Field values by name, where the tenant's real ids or a meaningful shape reach further than the schema's. */
export function hintsFor(world: AdminWorld, op: AdminOperation, choice: TenantChoice): Hints {
  const t = choice.tenant ?? world.tenants[0];
  const ids = (list: string[] | undefined) => fc.constantFrom(...(list?.length ? list : ['none']));
  const names = [...world.tenants, ...world.throwaway].map((x) => x.name);
  return (field, schema) => {
    switch (field) {
      case 'email':
        return email(t?.emails ?? []);
      case 'password':
        return password;
      case 'redirectUris':
        return uris(1);
      case 'postLogoutRedirectUris':
        return uris(0);
      case 'logoUrl':
      case 'backgroundImageUrl':
        return fc.oneof(
          {
            weight: 3,
            arbitrary: fc.oneof(
              goodUri.filter((u) => u.startsWith('https:')),
              fc.constant(null),
            ),
          },
          { weight: 1, arbitrary: uri },
        );
      case 'url':
        return fc.oneof({ weight: 3, arbitrary: goodUri.filter((u) => u.startsWith('https:')) }, { weight: 1, arbitrary: uri });
      case 'customCss':
        return fc.oneof(
          { weight: 3, arbitrary: fc.constantFrom('body { color: #123456 }', 'a{background:url(https://cdn.example/x.png)}', null) },
          {
            weight: 1,
            arbitrary: fc.oneof(
              fc.constantFrom('@import url(https://x)', '</style><script>alert(1)</script>', 'a{background:url(http://x)}', 'x{width:expression(1)}'),
              anyValue,
            ),
          },
        );
      case 'userFlowId':
        return fc.oneof({ weight: 4, arbitrary: ids(t?.flows) }, { weight: 1, arbitrary: fc.oneof(fc.constant(null), ids(world.tenants.at(-1)?.flows), text) });
      case 'includeTargets[]':
      case 'excludeTargets[]':
        return fc.oneof(
          { weight: 4, arbitrary: fc.oneof(fc.constant('all_users'), ids(t?.groups)) },
          { weight: 1, arbitrary: fc.oneof(ids(world.tenants.at(-1)?.groups), text) },
        );
      case 'attributes':
        // A user's values (a flow's attributes are an array, left to the schema and `attributes[]`).
        if (schema.type !== 'object') return undefined;
        return fc.oneof(
          {
            weight: 3,
            arbitrary: fc.record(
              { displayName: text, city: fc.string({ maxLength: 20 }), nickname: text, loyaltyNumber: fc.integer(), newsletter: fc.boolean() },
              { requiredKeys: [] },
            ),
          },
          {
            weight: 1,
            arbitrary: fc.dictionary(fc.constantFrom(...BUILT_IN, ...(t?.attributes ?? []), ...SPECIAL_KEYS), fc.oneof(anyValue, fc.integer(), fc.boolean()), {
              maxKeys: 4,
            }),
          },
        );
      case 'roles': {
        const grant = fc.oneof(
          fc.constant({ role: 'global_admin' }),
          fc.constantFrom('tenant_admin', 'auditor').chain((role) => fc.subarray(names, { minLength: 1, maxLength: 2 }).map((tenants) => ({ role, tenants }))),
          fc.constant({ role: 'auditor' }),
        );
        const odd = fc.record(
          {
            role: fc.constantFrom('global_admin', 'tenant_admin', 'auditor', 'root'),
            tenants: fc.array(fc.oneof(fc.constantFrom(...names, 'admin'), text), { maxLength: 3 }),
          },
          { requiredKeys: ['role'] },
        );
        return fc.oneof(
          { weight: 4, arbitrary: fc.array(grant, { minLength: 1, maxLength: 3 }) },
          { weight: 1, arbitrary: fc.array(fc.oneof(grant, odd), { maxLength: 4 }) },
        );
      }
      case 'attributes[]':
        return fc.oneof(fc.constantFrom(...BUILT_IN, ...(t?.attributes ?? [])), fc.constantFrom('email', 'password', 'unknownThing'), text);
      case '<key>':
        return fc.oneof(fc.constantFrom(...BUILT_IN, ...(t?.attributes ?? []), ...SPECIAL_KEYS), fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,63}$/));
      case 'tenants[]':
        return fc.oneof(fc.constantFrom(...names), fc.constantFrom('admin', 'demo', 'nope'), text);
      case 'confirm':
        return fc.oneof(
          { weight: choice.throwaway ? 6 : 0, arbitrary: fc.constant(choice.segment) },
          { weight: 2, arbitrary: mutated(choice.segment) },
          { weight: 1, arbitrary: text },
        );
      case 'background':
      case 'primary':
      case 'text':
        // A colour (maxLength 7), not a footer link's text.
        return schema.maxLength === 7 ? color : undefined;
      case 'name':
        if (op.path.endsWith('/tenants') && op.method === 'POST')
          return fc.oneof(fc.stringMatching(/^[a-z][a-z0-9-]{1,39}$/), fc.constantFrom(...names, 'admin', 'demo'));
        if (op.path.endsWith('/custom-attributes'))
          return fc.oneof(fc.constantFrom(...(t?.attributes ?? []), ...BUILT_IN, ...SPECIAL_KEYS), fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,63}$/));
        return undefined;
      default:
        return undefined;
    }
  };
}
