import fc from 'fast-check';
import { headerSafe } from './wire.ts';

/**
 * The building blocks of hostile input: strings that have broken parsers and databases before
 * (NUL, lone surrogates, CRLF, percent escapes, confusables, injection probes), huge values,
 * malformed UTF-8 as raw bytes, and the ways one form can be encoded wrongly.
 */

/** Pieces that have broken parsers, databases and templates before. */
export const SPECIALS = [
  '\u0000',
  '\r\n',
  '\n',
  '\t',
  '%00',
  '%',
  '%zz',
  '%E0%A4%A',
  '%C0%AF',
  '+',
  '&',
  '=',
  '../',
  '..%2f',
  '%2e%2e%2f',
  '\\',
  '/',
  '//',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "'",
  '"',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, sent literally.
  '${7*7}',
  '{{7*7}}',
  "a'or'1'='1",
  '{"$ne":null}',
  '__proto__',
  'constructor',
  'prototype',
  '\uD800',
  '\uDFFF',
  '\uFEFF',
  '\u202E',
  '\u200B',
  'é',
  'İ',
  'ß',
  'ﬀ',
  '０１２３４５６７',
  '٠١٢٣٤٥٦٧',
  '𝟘𝟙𝟚',
  '🔑',
  'null',
  'undefined',
  'NaN',
  '-1',
  '1e309',
  '0x10',
  ' ',
  '',
] as const;

/** `arb` in `percent` of the cases, undefined otherwise. */
export function sometimes<T>(arb: fc.Arbitrary<T>, percent: number): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: 100 - percent, arbitrary: fc.constant(undefined) }, { weight: percent, arbitrary: arb });
}

/** Random text of every flavour, biased towards the special pieces. */
export const text: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 16 }) },
  { weight: 3, arbitrary: fc.constantFrom(...SPECIALS) },
  { weight: 3, arbitrary: fc.array(fc.constantFrom(...SPECIALS, 'a', 'Z', '1', '@', '.'), { maxLength: 8 }).map((parts) => parts.join('')) },
);

/** A long value: just under and over the usual caps (64, 254, 320, 1024, 4096, 16 KiB). */
export const huge: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom('a', '1', 'é', '\u0000', '%', '🔑', 'ab@'), fc.constantFrom(63, 64, 65, 255, 321, 513, 1025, 4097, 9000, 17_000, 70_000))
  .map(([unit, length]) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length));

/** Any value a field might receive. */
export const anyValue: fc.Arbitrary<string> = fc.oneof({ weight: 8, arbitrary: text }, { weight: 1, arbitrary: huge });

/** Mutations of a real value: one character swapped (possibly for a multi-byte one), cut, padded, re-cased. */
export function mutated(real: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.tuple(fc.nat(), fc.constantFrom('é', '\u0000', 'A', '0', '-', '🔑', '\uD800', '%')).map(([i, c]) => {
      const at = real.length ? i % real.length : 0;
      return `${real.slice(0, at)}${c}${real.slice(at + 1)}`;
    }),
    fc.nat().map((n) => real.slice(0, real.length ? n % real.length : 0)),
    text.map((extra) => `${real}${extra}`),
    fc.constant(real.toUpperCase()),
    fc.constant(` ${real} `),
  );
}

/** Plausible and implausible email addresses, including ones of real users. */
export function email(known: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.emailAddress() },
    {
      weight: 2,
      arbitrary: fc.constantFrom(...known).chain((e) => fc.oneof(fc.constant(e), fc.mixedCase(fc.constant(e)), fc.constant(` ${e}\t`), mutated(e))),
    },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        'a\u0000b@example.com',
        'victim@example.com\r\nBcc: attacker@example.org',
        `${'x'.repeat(65)}@example.com`,
        `a@${'b'.repeat(250)}.com`,
        'user@xn--bcher-kva.example',
        'user+tag@example.com',
        'ｕｓｅｒ@ｅｘａｍｐｌｅ.com',
        '"quoted"@example.com',
        'a@b.c',
        '@example.com',
        'user@',
        'user@@example.com',
        '<user@example.com>',
        'a\uD800@example.com',
      ),
    },
    { weight: 2, arbitrary: anyValue },
    { weight: 1, arbitrary: fc.tuple(text, text).map(([a, b]) => `${a}@${b}.com`) },
  );
}

/** Passcodes as people and attackers type them. */
export const code: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.stringMatching(/^\d{8}$/) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('00000000', '000000', '12345678 ', ' 1234 5678', '１２３４５６７８', '٠١٢٣٤٥٦٧', '1e7', '-1234567', '99999999999999999'),
  },
  { weight: 2, arbitrary: fc.stringMatching(/^\d{1,20}$/) },
  { weight: 2, arbitrary: anyValue },
);

/** Passwords: random, long (Argon2 input caps), Unicode, and some that pass the policy. */
export const password: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: anyValue },
  {
    weight: 1,
    arbitrary: fc.constantFrom('x'.repeat(1024), 'x'.repeat(1025), 'é'.repeat(2048), 'x'.repeat(4096), 'password', 'Password1!', '\u0000'.repeat(20)),
  },
  { weight: 2, arbitrary: fc.tuple(fc.stringMatching(/^[a-z]{6,12}$/), fc.integer({ min: 10, max: 99 })).map(([w, n]) => `Quartz-${w} ${n} orbit`) },
);

/**
 * A loopback source address (Linux routes all of 127/8 to lo). Spreading requests over 96 of them
 * keeps the per-IP budgets from ending most journeys in 429, with one small socket pool each.
 */
export const sourceAddress: fc.Arbitrary<string> = fc.integer({ min: 2, max: 97 }).map((n) => `127.0.${n % 4}.${n}`);

/** Percent-encodes `value` for a query or form, sometimes leaving raw bytes or bad escapes in. */
export function encode(value: string, style: 'strict' | 'raw' | 'latin1'): string {
  if (style === 'strict') return encodeURIComponentLoose(value);
  if (style === 'latin1') return [...Buffer.from(value, 'latin1')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
  return value.replace(/[ &#=\r\n]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** encodeURIComponent that survives lone surrogates (encoded as their UTF-8 replacement). */
export function encodeURIComponentLoose(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return [...Buffer.from(value, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
  }
}

/**
 * How a query or form is percent-encoded: `strict` (UTF-8), `latin1` (every byte escaped, so
 * non-ASCII becomes malformed UTF-8 once decoded) or, in bodies only, `raw` (bytes left as they are).
 * Raw non-ASCII bytes in a request target are refused by Node's parser; the malformed-framing probes send those.
 */
export const queryStyle = fc.constantFrom<'strict' | 'latin1'>('strict', 'strict', 'latin1');

/** name=value pairs (duplicates allowed) as a query or urlencoded body. */
export type Pairs = Array<[string, string]>;

export function serialize(pairs: Pairs, style: 'strict' | 'raw' | 'latin1'): string {
  return pairs.map(([k, v]) => `${encode(k, style)}=${encode(v, style)}`).join('&');
}

/**
 * Adds HTTP parameter pollution to a field list: a duplicated key, an extra key, a key with
 * bracket syntax, a bare key without `=`.
 */
export function polluted(pairs: Pairs): fc.Arbitrary<Pairs> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constant(pairs) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.nat(), anyValue)
        .map(([i, v]) => (pairs.length ? [...pairs, [pairs[i % pairs.length]?.[0] ?? 'x', v] as [string, string]] : pairs)),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom('__proto__', 'constructor', 'a[b]', 'x', 'email[]', '', 'flow[0]'), anyValue)
        .map(([k, v]) => [...pairs, [k, v] as [string, string]]),
    },
    { weight: 1, arbitrary: fc.shuffledSubarray(pairs) },
  );
}

/** A body and its content type, encoded the right way most of the time and every wrong way otherwise. */
export interface Body {
  contentType?: string;
  body?: Uint8Array;
}

export function formBody(pairs: Pairs): fc.Arbitrary<Body> {
  const urlencoded = 'application/x-www-form-urlencoded';
  const asObject = () => {
    const object: Record<string, unknown> = {};
    for (const [k, v] of pairs) object[k] = k in object ? [object[k], v].flat() : v;
    return object;
  };
  const bytes = (s: string) => Buffer.from(s, 'utf8');
  return fc.oneof(
    {
      weight: 20,
      arbitrary: fc
        .constantFrom<'strict' | 'raw' | 'latin1'>('strict', 'strict', 'raw', 'latin1')
        .map((style) => ({ contentType: urlencoded, body: bytes(serialize(pairs, style)) })),
    },
    {
      weight: 2,
      arbitrary: fc
        .uint8Array({ minLength: 1, maxLength: 64 })
        .map((junk) => ({ contentType: urlencoded, body: Buffer.concat([bytes(serialize(pairs, 'strict')), bytes('&x='), Buffer.from(junk)]) })),
    },
    { weight: 2, arbitrary: fc.constant({ contentType: 'application/json', body: bytes(JSON.stringify(asObject())) }) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(
          'null',
          '[]',
          '"x"',
          '1',
          '{',
          '{"flow":{"$ne":null}}',
          '{"__proto__":{"x":1}}',
          '{"constructor":{"prototype":{"x":1}}}',
          `${'['.repeat(5000)}${']'.repeat(5000)}`,
        )
        .map((json) => ({ contentType: 'application/json', body: bytes(json) })),
    },
    { weight: 1, arbitrary: fc.constant({ contentType: 'text/plain', body: bytes(serialize(pairs, 'strict')) }) },
    { weight: 1, arbitrary: fc.constant({ body: bytes(serialize(pairs, 'strict')) }) },
    { weight: 1, arbitrary: fc.constant({ contentType: urlencoded }) },
    { weight: 1, arbitrary: fc.constant(multipart(pairs)) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(
          `${urlencoded}; charset=utf-16`,
          `${urlencoded};;;`,
          'APPLICATION/X-WWW-FORM-URLENCODED',
          'application/x-www-form-urlencodedx',
          '*/*',
          'application/xml',
          'text/html; charset=latin1',
          'application/json; charset=utf-7',
        )
        .map((contentType) => ({ contentType, body: bytes(serialize(pairs, 'strict')) })),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(17 * 1024, 65 * 1024, 200 * 1024)
        .map((size) => ({ contentType: urlencoded, body: bytes(`${serialize(pairs, 'strict')}&pad=${'a'.repeat(size)}`) })),
    },
  );
}

function multipart(pairs: Pairs): Body {
  const boundary = '----latchkeyfuzz';
  const parts = pairs.map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join('');
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: Buffer.from(`${parts}--${boundary}--\r\n`, 'utf8') };
}

/** Headers a browser, a script or an attacker might send; `cookies` are the real ones of a context, if any. */
export function headers(cookies: fc.Arbitrary<string | undefined>, accept: 'html' | 'json'): fc.Arbitrary<Record<string, string | string[]>> {
  const acceptValue = fc.oneof(
    { weight: 6, arbitrary: fc.constant(accept === 'html' ? 'text/html,application/xhtml+xml,*/*;q=0.8' : 'application/json') },
    { weight: 1, arbitrary: fc.constantFrom('*/*', 'application/json', 'text/html', 'image/avif', 'text/html;q=0', '') },
    { weight: 1, arbitrary: text.map(latin1) },
  );
  return fc
    .record({
      accept: sometimes(acceptValue, 90),
      cookie: cookies,
      'user-agent': sometimes(
        fc.oneof(
          fc.constant('Mozilla/5.0 (fuzz)'),
          text.map(latin1),
          fc.integer({ min: 500, max: 4000 }).map((n) => `UA/${'x'.repeat(n)}`),
        ),
        60,
      ),
      'accept-language': sometimes(fc.oneof(fc.constantFrom('de-DE,de;q=0.9', 'zz', 'x'.repeat(300), '*', 'en-US;q=abc'), text.map(latin1)), 40),
      origin: sometimes(fc.constantFrom('https://evil.example', 'null', 'http://127.0.0.1'), 15),
      'sec-fetch-site': sometimes(fc.constantFrom('cross-site', 'same-origin', 'none'), 15),
      'x-forwarded-for': sometimes(fc.constantFrom('1.2.3.4', '::1, 10.0.0.1', 'garbage', '127.0.0.1'.repeat(40)), 10),
      'x-forwarded-host': sometimes(fc.constantFrom('evil.example', '', 'a'.repeat(300)), 10),
      'x-forwarded-proto': sometimes(fc.constantFrom('https', 'gopher', ''), 10),
      authorization: sometimes(fc.constantFrom('Basic Og==', 'Bearer x', 'Basic %%%', 'Negotiate abc'), 5),
    })
    .map((record) => {
      const out: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(record)) {
        if (value !== undefined) out[name] = value;
      }
      return out;
    });
}

/** Header values travel as latin1 bytes; characters outside it (and control characters) cannot be sent by node:http. */
export const latin1 = headerSafe;

/** A Cookie header built from real cookies, broken ones and random ones. */
export function cookieHeader(real: readonly string[]): fc.Arbitrary<string | undefined> {
  const random = fc
    .tuple(fc.constantFrom('lk_interaction', 'lk_interaction.sig', 'lk_resume', 'lk_session_demo', 'demo_session', 'demo_login', '_session', 'a=b'), text)
    .map(([k, v]) => `${k}=${latin1(v).replace(/;/g, '')}`);
  return fc.oneof(
    { weight: 24, arbitrary: fc.constant(real.length ? real.join('; ') : undefined) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.shuffledSubarray([...real]).map((parts) => parts.join('; ')) },
    { weight: 2, arbitrary: fc.tuple(fc.array(random, { maxLength: 4 }), fc.boolean()).map(([extra, keep]) => [...(keep ? real : []), ...extra].join('; ')) },
    { weight: 1, arbitrary: fc.constant([...real, ...real.map((c) => c.replace(/=.*/, '=tampered'))].join('; ')) },
  );
}
