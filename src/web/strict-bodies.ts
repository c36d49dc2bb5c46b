import type { FastifyInstance } from 'fastify';

/**
 * Strict decoding of what browsers and clients send to the hosted pages (checklist I1). Fastify's
 * and @fastify/formbody's parsers decode invalid UTF-8 to U+FFFD and carry on, so a truncated or
 * overlong sequence reaches the journeys as a different string than the one the client sent.
 * Here it is a 400 instead. Written by hand because no maintained parser offers a fatal mode.
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

/** decodeURIComponent throws on a stray `%` and on escapes that are not UTF-8, which is the point. */
function decodeComponent(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    throw badEncoding('The request carries a malformed percent-encoding.');
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
    const existing = fields[key];
    fields[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return fields;
}

/** Whether a request target's query string is well-formed UTF-8 percent-encoding. */
export function isWellFormedQuery(url: string): boolean {
  const at = url.indexOf('?');
  if (at < 0) return true;
  try {
    decodeComponent(url.slice(at + 1));
    return true;
  } catch {
    return false;
  }
}

/** Registers strict form and JSON parsers on an encapsulated Fastify context (the pages). */
export function installStrictBodyParsers(app: FastifyInstance, bodyLimit: number): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer', bodyLimit }, (_request, body, done) => {
    try {
      done(null, parseFormStrict(decodeUtf8(body as Buffer)));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit }, (request, body, done) => {
    try {
      json(request, decodeUtf8(body as Buffer), done);
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}
