import fc from 'fast-check';
import { sourceAddress } from './arbitraries.ts';
import type { Probe } from './oracle.ts';
import { headerSafe } from './wire.ts';

/**
 * Requests whose framing is the input, written byte for byte on a fresh socket: headers close to
 * Node's 16 KiB limit and over it, HTTP/1.0, absolute-form targets, chunked bodies, Expect:
 * 100-continue, and the malformed kinds that Node's parser refuses (raw non-ASCII bytes in the
 * target, control characters, conflicting lengths, bad chunks, unknown methods, bare LF…).
 */

/** Node's default limit for the request line plus headers. */
export const NODE_HEADER_LIMIT = 16 * 1024;

interface Framing {
  version: 'HTTP/1.1' | 'HTTP/1.0';
  absolute: boolean;
  chunked: boolean;
  expectContinue: boolean;
  duplicateHost: boolean;
  /** Total size of the request line and headers to reach with a padding header (0 = none). */
  headerBytes: number;
  /** Extra header lines, written as they are. */
  extra: string[];
  /** The request line's method and target, when replaced. */
  method?: string;
  target?: string;
}

function headerLines(probe: Probe, framing: Framing): string[] {
  const lines = [`Host: 127.0.0.1`, ...(framing.duplicateHost ? ['Host: evil.example'] : [])];
  for (const [name, value] of Object.entries(probe.request.headers)) {
    if (/^(content-length|transfer-encoding|connection|host)$/i.test(name)) continue;
    for (const v of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${headerSafe(v)}`);
  }
  const body = probe.request.body;
  if (body && framing.chunked) lines.push('Transfer-Encoding: chunked');
  else if (body) lines.push(`Content-Length: ${body.length}`);
  if (body && framing.expectContinue) lines.push('Expect: 100-continue');
  lines.push('Connection: close', ...framing.extra);
  return lines;
}

function chunked(body: Uint8Array): Buffer {
  const parts: Buffer[] = [];
  for (let at = 0, size = 7; at < body.length; at += size, size = size * 3 + 1) {
    const piece = body.subarray(at, at + size);
    parts.push(Buffer.from(`${piece.length.toString(16)}\r\n`, 'latin1'), Buffer.from(piece), Buffer.from('\r\n', 'latin1'));
  }
  parts.push(Buffer.from('0\r\n\r\n', 'latin1'));
  return Buffer.concat(parts);
}

/** The bytes of `probe` with `framing` applied. */
export function frame(probe: Probe, framing: Framing, port: number): Buffer {
  const method = framing.method ?? probe.request.method;
  const target = framing.target ?? (framing.absolute ? `http://127.0.0.1:${port}${probe.request.path}` : probe.request.path);
  const requestLine = `${method} ${target} ${framing.version}`;
  const lines = headerLines(probe, framing);
  const size = Buffer.byteLength([requestLine, ...lines].join('\r\n'), 'latin1') + 4;
  const padName = 'X-Fuzz-Padding: ';
  if (framing.headerBytes > size + padName.length + 2) lines.push(`${padName}${'p'.repeat(framing.headerBytes - size - padName.length - 2)}`);
  const head = Buffer.from(`${[requestLine, ...lines].join('\r\n')}\r\n\r\n`, 'latin1');
  const body = probe.request.body ? (framing.chunked ? chunked(probe.request.body) : Buffer.from(probe.request.body)) : Buffer.alloc(0);
  return Buffer.concat([head, body]);
}

const plain: Framing = { version: 'HTTP/1.1', absolute: false, chunked: false, expectContinue: false, duplicateHost: false, headerBytes: 0, extra: [] };

/** Well-formed but unusual framings, which must be served like any request. */
export function unusualFraming(base: fc.Arbitrary<Probe>, port: number): fc.Arbitrary<Probe> {
  const framing = fc.record({
    version: fc.constantFrom<'HTTP/1.1' | 'HTTP/1.0'>('HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0'),
    absolute: fc.boolean(),
    chunked: fc.boolean(),
    expectContinue: fc.boolean(),
    duplicateHost: fc.boolean(),
    // Close to the limit, with a margin for what Node counts beyond these bytes.
    headerBytes: fc.oneof(fc.constant(0), fc.integer({ min: 14_000, max: NODE_HEADER_LIMIT - 400 })),
    extra: fc.subarray([
      'Upgrade: websocket',
      'Cookie: a=1',
      'Accept-Encoding: gzip, br',
      'Pragma: no-cache',
      'Forwarded: for=1.2.3.4;host=evil.example',
      'Via: 1.1 evil',
      'TE: trailers',
    ]),
  });
  return fc.tuple(base, framing).map(([probe, f]): Probe => {
    // Chunked bodies are HTTP/1.1 only; an HTTP/1.0 request gets a Content-Length.
    const applied = { ...f, chunked: f.chunked && f.version === 'HTTP/1.1', expectContinue: f.expectContinue && f.version === 'HTTP/1.1' };
    return { ...probe, surface: 'unusual framing', request: { ...probe.request, raw: frame(probe, applied, port) } };
  });
}

/** Malformed requests that Node's parser refuses; the refusal must still be a clean 4xx with the security headers. */
export function malformedFraming(base: fc.Arbitrary<Probe>, port: number): fc.Arbitrary<Probe> {
  const broken = fc.oneof(
    fc
      .integer({ min: NODE_HEADER_LIMIT + 100, max: 3 * NODE_HEADER_LIMIT })
      .map((headerBytes): [string, Partial<Framing>] => ['headers over the limit', { headerBytes }]),
    fc.constantFrom<[string, Partial<Framing>]>(
      ['raw non-ASCII byte in the target', { target: '/d\u00e9mo/interaction/\u00ff\u00fe' }],
      ['control character in the target', { target: '/health\u0001' }],
      ['space in the target', { target: '/he alth' }],
      ['target over the limit', { target: `/${'a'.repeat(NODE_HEADER_LIMIT + 10)}` }],
      ['NUL in a header value', { extra: ['X-A: a\u0000b'] }],
      ['CR in a header value', { extra: ['X-A: a\rb'] }],
      ['obsolete line folding', { extra: ['X-A: a', ' folded'] }],
      ['space before the colon', { extra: ['X-A : b'] }],
      ['header without a colon', { extra: ['X-A'] }],
      ['Content-Length and Transfer-Encoding', { extra: ['Content-Length: 5', 'Transfer-Encoding: chunked'] }],
      ['two different Content-Lengths', { extra: ['Content-Length: 1', 'Content-Length: 2'] }],
      ['negative Content-Length', { extra: ['Content-Length: -1'] }],
      ['unknown Transfer-Encoding', { extra: ['Transfer-Encoding: gzip'] }],
      ['lower-case method', { method: 'get' }],
      ['unknown method', { method: 'FOO' }],
      ['HTTP/2 preface', { method: 'PRI', target: '*', version: 'HTTP/2.0' as 'HTTP/1.1' }],
      ['unknown HTTP version', { version: 'HTTP/1.7' as 'HTTP/1.1' }],
    ),
  );
  const framed = fc.tuple(base, broken).map(([probe, [kind, change]]): Probe => {
    const bytes = frame(probe, { ...plain, ...change, extra: change.extra ?? [] }, port);
    return { ...probe, surface: 'malformed framing', route: `${kind} (${probe.route})`, request: { ...probe.request, raw: bytes } };
  });
  const fixed = fc.tuple(fc.constantFrom(...MALFORMED_BYTES), sourceAddress).map(
    ([[kind, bytes], from]): Probe => ({
      surface: 'malformed framing',
      route: kind,
      expect: 'any',
      request: { method: 'RAW', path: '', headers: {}, from, raw: Buffer.from(bytes, 'latin1') },
    }),
  );
  return fc.oneof({ weight: 8, arbitrary: framed }, { weight: 1, arbitrary: fixed });
}

/**
 * The path of `base` with one segment broken in a way the router itself refuses: a percent
 * escape that is not one or decodes to invalid UTF-8, or a parameter over the 200-character cap.
 */
export function badUrls(base: fc.Arbitrary<Probe>): fc.Arbitrary<Probe> {
  const breakage = fc.constantFrom('%', '%zz', '%e9', '%ff', '%c0%ae', '%ED%A0%80', '%F0%9F', '#x', 'x'.repeat(201), `${'%41'.repeat(201)}`);
  return fc.tuple(base, breakage, fc.nat(), fc.boolean()).map(([probe, broken, at, replace]): Probe => {
    const [path = '', query] = probe.request.path.split(/\?(.*)/s);
    const segments = path.split('/');
    const i = 1 + (at % Math.max(1, segments.length - 1));
    segments[i] = replace ? broken : `${segments[i] ?? ''}${broken}`;
    const broke = `${segments.join('/')}${query === undefined ? '' : `?${query}`}`;
    return { ...probe, surface: 'bad URLs', route: `bad URL (${probe.route})`, expect: 'any', request: { ...probe.request, path: broke } };
  });
}

/** Fixed byte strings that need no base request. */
const MALFORMED_BYTES: Array<[string, string]> = [
  ['bare LF line endings', 'GET /health HTTP/1.1\nHost: x\nConnection: close\n\n'],
  ['invalid chunk size', 'POST /demo/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\nabc\r\n0\r\n\r\n'],
  ['request line only garbage', '\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003'],
];
