import fc from 'fast-check';
import {
  anyValue,
  code,
  cookieHeader,
  email,
  formBody,
  headers,
  mutated,
  type Pairs,
  password,
  polluted,
  queryStyle,
  serialize,
  sometimes,
  sourceAddress,
  text,
} from './arbitraries.ts';
import type { Probe } from './oracle.ts';
import type { Context, World } from './world.ts';

/**
 * Requests to the hosted journey pages: every POST route with every form field, and the GET
 * pages, mostly with a live interaction cookie, flow id and CSRF token (so the input reaches the
 * core), otherwise with those swapped, tampered with or missing.
 */

type Journey = keyof Context['flows'];

interface PostRoute {
  path: string;
  journey: Journey;
  fields: (world: World) => fc.Arbitrary<Pairs>;
}

const none = () => fc.constant<Pairs>([]);
const one = (name: string, arb: fc.Arbitrary<string>) => sometimes(arb, 90).map((v): Pairs => (v === undefined ? [] : [[name, v]]));
/** A new password and its confirmation: equal most of the time, so the password policy and hashing run. */
const newPassword = fc.tuple(password, fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: anyValue })).map(
  ([p, confirm]): Pairs => [
    ['password', p],
    ['confirm', confirm ?? p],
  ],
);
const attributeNames = [
  'displayName',
  'givenName',
  'surname',
  'jobTitle',
  'streetAddress',
  'city',
  'state',
  'postalCode',
  'country',
  'username',
  'isAdmin',
  'email',
  'userId',
  '__proto__',
];

export const POST_ROUTES: PostRoute[] = [
  { path: '/email', journey: 'signIn', fields: (w) => one('email', email(allEmails(w))) },
  {
    path: '/password',
    journey: 'signIn',
    fields: (w) => fc.tuple(one('password', password), one('username', email(allEmails(w)))).map(([a, b]) => [...a, ...b]),
  },
  { path: '/change-email', journey: 'signIn', fields: none },
  { path: '/forgot', journey: 'signIn', fields: none },
  { path: '/use-code', journey: 'signIn', fields: none },
  { path: '/reset/code', journey: 'reset', fields: () => one('code', code) },
  { path: '/reset/resend', journey: 'reset', fields: none },
  { path: '/reset/password', journey: 'reset', fields: () => newPassword },
  { path: '/sign-up/email', journey: 'signUp', fields: (w) => one('email', email(allEmails(w))) },
  { path: '/sign-up/code', journey: 'signUp', fields: () => one('code', code) },
  { path: '/sign-up/resend', journey: 'signUp', fields: none },
  {
    path: '/sign-up/details',
    journey: 'signUp',
    fields: () =>
      fc
        .tuple(
          newPassword,
          fc.array(fc.tuple(fc.constantFrom(...attributeNames), anyValue), { maxLength: 6 }),
          sometimes(fc.integer({ min: 100, max: 130 }), 3),
        )
        .map(([pw, attributes, many]) => [...pw, ...attributes, ...(many ? Array.from({ length: many }, (_, i): [string, string] => [`a${i}`, 'x']) : [])]),
  },
  { path: '/code/verify', journey: 'passcode', fields: () => one('code', code) },
  { path: '/code/resend', journey: 'passcode', fields: none },
];

const PAGES: Array<{ path: string; journey: Journey }> = [
  { path: '', journey: 'signIn' },
  { path: '/sign-up', journey: 'signUp' },
  { path: '/reset', journey: 'reset' },
  { path: '/code', journey: 'passcode' },
];

const allEmails = (world: World) => world.tenants.flatMap((t) => t.emails);

/** A context that has a flow of `journey` most of the time, any context otherwise. */
function contextFor(world: World, journey: Journey): fc.Arbitrary<Context> {
  const having = world.contexts.filter((c) => c.flows[journey]);
  return fc.oneof(
    { weight: 19, arbitrary: fc.constantFrom(...(having.length ? having : world.contexts)) },
    { weight: 1, arbitrary: fc.constantFrom(...world.contexts) },
  );
}

/** The interaction prefix of a context, sometimes with the tenant or uid altered (path traversal, encoded slashes, case). */
function basePath(world: World, context: Context): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 30, arbitrary: fc.constant(context.base) },
    { weight: 1, arbitrary: fc.constantFrom(...world.uids).map((uid) => `/${context.tenant}/interaction/${uid}`) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        `/${context.tenant.toUpperCase()}/interaction/${context.uid}`,
        `/${context.tenant}/interaction/${context.uid}/`,
        `/${context.tenant}/interaction/${context.uid}%2f..%2f..`,
        `/${context.tenant}/interaction/..%2f${context.uid}`,
        `/${context.tenant}/interaction/%2e%2e`,
        `/${context.tenant}%2finteraction/${context.uid}`,
        `/${context.tenant}/interaction/${context.uid}%00`,
        `/%00/interaction/${context.uid}`,
        `/${context.tenant}/interaction/${'u'.repeat(200)}`,
        `/${context.tenant}/interaction/${context.uid};x=1`,
        `/demo/interaction/${context.uid}`,
        `//${context.tenant}/interaction/${context.uid}`,
      ),
    },
  );
}

/** A flow id: the context's own, another one (another journey or browser), tampered, random or missing. */
function flowValue(world: World, real: string | undefined): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    { weight: 40, arbitrary: fc.constant(real ?? world.flowIds[0]) },
    { weight: 2, arbitrary: fc.constantFrom(...world.flowIds) },
    { weight: 1, arbitrary: mutated(real ?? 'x') },
    { weight: 1, arbitrary: text },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

/** A CSRF token: the real one, or one swapped for a same-length, multi-byte, cut or missing one. */
function csrfValue(real: string | undefined): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    { weight: 30, arbitrary: fc.constant(real ?? '') },
    { weight: 3, arbitrary: mutated(real ?? 'x') },
    { weight: 1, arbitrary: text },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

export function journeyPosts(world: World): fc.Arbitrary<Probe> {
  return fc
    .constantFrom(...POST_ROUTES)
    .chain((route) =>
      contextFor(world, route.journey).chain((context) => {
        const flow = context.flows[route.journey];
        return fc.record({
          route: fc.constant(route),
          base: basePath(world, context),
          pairs: fc
            .tuple(flowValue(world, flow?.id), csrfValue(flow?.csrf), route.fields(world))
            .chain(([f, c, fields]) =>
              polluted([
                ...(f === undefined ? [] : [['flow', f] as [string, string]]),
                ...(c === undefined ? [] : [['csrf', c] as [string, string]]),
                ...fields,
              ]),
            ),
          headers: headers(cookieHeader(context.cookies), 'html'),
          from: sourceAddress,
          query: sometimes(fc.constantFrom('?flow=x', '?a=1&a=2', `?flow=${flow?.id ?? ''}&flow=${flow?.id ?? ''}`), 8),
          method: fc.oneof({ weight: 20, arbitrary: fc.constant('POST') }, { weight: 1, arbitrary: fc.constantFrom('PUT', 'PATCH', 'DELETE', 'GET') }),
        });
      }),
    )
    .chain((p) =>
      formBody(p.pairs).map((body): Probe => {
        const requestHeaders = { ...p.headers, ...(body.contentType ? { 'content-type': body.contentType } : {}) };
        return {
          surface: 'journey forms',
          route: `${p.method} /{t}/interaction/{uid}${p.route.path}`,
          expect: 'page',
          request: { method: p.method, path: `${p.base}${p.route.path}${p.query ?? ''}`, headers: requestHeaders, body: body.body, from: p.from },
        };
      }),
    );
}

export function journeyPages(world: World): fc.Arbitrary<Probe> {
  return fc
    .constantFrom(...PAGES)
    .chain((page) =>
      contextFor(world, page.journey).chain((context) =>
        fc.record({
          page: fc.constant(page),
          base: basePath(world, context),
          flow: flowValue(world, context.flows[page.journey]?.id),
          extra: fc.array(fc.tuple(fc.constantFrom('flow', 'login_hint', 'ui_locales', 'x', '__proto__', 'flow[]'), anyValue), { maxLength: 3 }),
          style: queryStyle,
          headers: headers(cookieHeader(context.cookies), 'html'),
          from: sourceAddress,
          method: fc.oneof({ weight: 12, arbitrary: fc.constant('GET') }, { weight: 1, arbitrary: fc.constantFrom('HEAD', 'OPTIONS', 'DELETE', 'PROPFIND') }),
        }),
      ),
    )
    .map((p): Probe => {
      const pairs: Pairs = [...(p.flow === undefined ? [] : [['flow', p.flow] as [string, string]]), ...p.extra];
      const query = pairs.length ? `?${serialize(pairs, p.style)}` : '';
      return {
        surface: 'journey pages',
        route: `${p.method} /{t}/interaction/{uid}${p.page.path}`,
        expect: 'page',
        request: { method: p.method, path: `${p.base}${p.page.path}${query}`, headers: p.headers, from: p.from },
      };
    });
}
