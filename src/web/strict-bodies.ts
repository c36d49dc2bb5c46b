import type { FastifyInstance } from 'fastify';

/**
 * Strict decoding of what browsers and clients send to the hosted pages (checklist I1). Fastify's
 * and @fastify/formbody's parsers decode invalid UTF-8 to U+FFFD and carry on, so a truncated or
 * overlong sequence reaches the journeys as a different string than the one the client sent.
 * Here it is a 400 instead. Written by hand because no maintained parser offers a fatal mode.
 *
 * A NUL character is refused too, in the request target and in every body field but a secret
 * one: no name, address or identifier legitimately holds one, and PostgreSQL cannot store it in
 * text, so letting it through turns bad input into a 500 on one database and not the other.
 * Passwords are the exception (checklist C7, OWASP Password Storage: any character, NUL
 * included): they are only ever hashed, never stored as text.
 */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function badEncoding(message: string): Error & { statusCode: number; code: string } {
  return Object.assign(new Error(message), { statusCode: 400, code: 'BAD_ENCODING' });
}

function decodeUtf8(bytes: Buffer): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw badEncoding('The request body is not valid UTF-8.');
  }
}

const NUL = '\u0000';
/** Fields whose value is a password: hashed, never stored, so they may hold any character. */
const SECRET_FIELDS = new Set(['password', 'confirm', 'currentPassword', 'newPassword']);
const nulRefused = () => badEncoding('The request carries a NUL character, which no field may hold.');

/** decodeURIComponent throws on a stray `%` and on escapes that are not UTF-8, which is the point. */
function decodeComponent(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    throw badEncoding('The request carries a malformed percent-encoding.');
  }
}

/**
 * Throws when a string anywhere in a parsed JSON document (a key, or a value not under a secret
 * field) holds a NUL. Walks with its own stack: a body of thousands of nested arrays is valid
 * JSON and must not overflow the call stack.
 */
function refuseNul(document: unknown): void {
  const pending: unknown[] = [document];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === 'string') {
      if (value.includes(NUL)) throw nulRefused();
    } else if (Array.isArray(value)) {
      for (const item of value) pending.push(item);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        pending.push(key);
        if (!(SECRET_FIELDS.has(key) && typeof item === 'string')) pending.push(item);
      }
    }
  }
}

/** `a=1&b=2&b=3` → `{ a: '1', b: ['2', '3'] }`, on a null-prototype object (no `__proto__` tricks). */
export function parseFormStrict(text: string): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = Object.create(null);
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const at = pair.indexOf('=');
    const key = decodeComponent(at < 0 ? pair : pair.slice(0, at));
    const value = at < 0 ? '' : decodeComponent(pair.slice(at + 1));
    if (key.includes(NUL) || (value.includes(NUL) && !SECRET_FIELDS.has(key))) throw nulRefused();
    const existing = fields[key];
    fields[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return fields;
}

/**
 * Whether a request target is one Latchkey reads: its query string well-formed UTF-8
 * percent-encoding, and neither path nor query holding a NUL (Fastify itself refuses malformed
 * escapes in the path, but decodes `%00` into route parameters).
 */
export function isWellFormedTarget(url: string): boolean {
  const at = url.indexOf('?');
  const path = at < 0 ? url : url.slice(0, at);
  if (path.includes(NUL) || /%00/i.test(path)) return false;
  if (at < 0) return true;
  try {
    return !decodeComponent(url.slice(at + 1)).includes(NUL);
  } catch {
    return false;
  }
}

/** Registers the strict JSON parser on an encapsulated Fastify context. */
export function installStrictJsonParser(app: FastifyInstance, bodyLimit: number): void {
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit }, (request, body, done) => {
    try {
      json(request, decodeUtf8(body as Buffer), (error, parsed) => {
        if (error) return done(error, undefined);
        try {
          refuseNul(parsed);
        } catch (refused) {
          return done(refused as Error, undefined);
        }
        done(null, parsed);
      });
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}

/** Registers strict form and JSON parsers on an encapsulated Fastify context (the pages). */
export function installStrictBodyParsers(app: FastifyInstance, bodyLimit: number): void {
  installStrictJsonParser(app, bodyLimit);
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer', bodyLimit }, (_request, body, done) => {
    try {
      done(null, parseFormStrict(decodeUtf8(body as Buffer)));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}
