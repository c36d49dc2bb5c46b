import type { WireOutcome, WireRequest } from './wire.ts';

/**
 * What every answer must look like, whatever was sent: no 5xx, no silence, the security
 * headers, and a body of the kind its Content-Type claims (a whole HTML document, or JSON)
 * without stack traces or SQL errors in it.
 */

/** One generated request and what kind of answer it should get. */
export interface Probe {
  surface: string;
  /** The route template, for statistics and grouping of failures. */
  route: string;
  /**
   * `json` for API endpoints; `page` where HTML or JSON may come (by Accept); `any` for unknown
   * paths; `api` for the admin API: JSON whatever the Accept header says, never a redirect, and
   * `Cache-Control: no-store` on every answer (they carry tenants' configuration and users).
   */
  expect: 'json' | 'page' | 'any' | 'api';
  request: WireRequest;
}

/** Bytes of the request line and headers, which Node caps at 16 KiB (answering 431 beyond). */
export function headBytes(probe: Probe): number {
  const { method, path, headers } = probe.request;
  const lines = Object.entries(headers).flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((v) => name.length + v.length + 4));
  return method.length + path.length + 64 + lines.reduce((a, b) => a + b, 0);
}

const LEAKS =
  /\n\s+at [^\n]+:\d+:\d+|node_modules|SQLITE_|syntax error at or near|invalid input syntax|invalid byte sequence|violates [a-z ]+ constraint|value too long for type/i;

function acceptsHtml(probe: Probe): boolean {
  const accept = probe.request.headers.accept;
  return (Array.isArray(accept) ? accept.join(',') : (accept ?? '')).includes('text/html');
}

/** The violations of one answer (empty when it is fine). */
export function judge(probe: Probe, outcome: WireOutcome): string[] {
  if (!outcome.ok) return [`no answer: ${outcome.error}`];
  const { status, headers, body } = outcome.response;
  const problems: string[] = [];
  if (status >= 500 || status < 100) problems.push(`status ${status}`);
  if (probe.expect === 'api') {
    if (status >= 300 && status < 400) problems.push(`a ${status} redirect from the admin API`);
    if (!/\bno-store\b/.test(String(headers['cache-control'] ?? '')))
      problems.push(`Cache-Control ${headers['cache-control'] ?? 'absent'} instead of no-store`);
  }

  const csp = String(headers['content-security-policy'] ?? '');
  if (!/frame-ancestors 'none'/.test(csp)) problems.push(`no CSP frame-ancestors 'none' (CSP: ${csp || 'absent'})`);
  if (/unsafe-inline|unsafe-eval/.test(csp)) problems.push(`CSP allows unsafe-inline/eval: ${csp}`);
  if (headers['x-frame-options'] !== 'DENY') problems.push(`X-Frame-Options ${headers['x-frame-options'] ?? 'absent'}`);
  if (headers['x-content-type-options'] !== 'nosniff') problems.push(`X-Content-Type-Options ${headers['x-content-type-options'] ?? 'absent'}`);
  if (headers['referrer-policy'] !== 'no-referrer') problems.push(`Referrer-Policy ${headers['referrer-policy'] ?? 'absent'}`);

  const type = String(headers['content-type'] ?? '');
  const text = body.toString('utf8');
  const head = probe.request.raw ? /^HEAD /.test(Buffer.from(probe.request.raw).toString('latin1')) : probe.request.method === 'HEAD';
  if (head || status === 204 || status === 304) {
    if (body.length > 0 && !head) problems.push(`a ${status} with a body`);
  } else if (status >= 300 && status < 400) {
    if (!headers.location) problems.push(`a ${status} without Location`);
  } else if (body.length === 0 && status < 300) {
    // An empty success (RFC 7009 revocation answers 200 with no body) has nothing to sniff or frame.
  } else if (/^text\/html/.test(type)) {
    if (!/^<!doctype html>/i.test(text.trimStart())) problems.push(`HTML body that is not a document: ${JSON.stringify(text.slice(0, 80))}`);
    if ((probe.expect === 'json' && !acceptsHtml(probe)) || probe.expect === 'api') problems.push('HTML where the endpoint answers JSON');
  } else if (/^application\/(.+\+)?json/.test(type)) {
    try {
      JSON.parse(text);
    } catch {
      problems.push(`JSON body that does not parse: ${JSON.stringify(text.slice(0, 80))}`);
    }
  } else if (!(/^text\/css/.test(type) && probe.route.includes('latchkey.css'))) {
    problems.push(`unexpected Content-Type "${type}" with body ${JSON.stringify(text.slice(0, 80))}`);
  }
  if (LEAKS.test(text)) problems.push(`internals leak in the body: ${JSON.stringify(text.match(LEAKS)?.[0])}`);
  return problems;
}

/** A short class for grouping violations ("status 500 on POST /{t}/interaction/{uid}/email"). */
export function violationClass(probe: Probe, problems: string[]): string {
  const kinds = problems.map((p) =>
    /^(no CSP|X-Frame|X-Content|Referrer|CSP allows)/.test(p) ? 'security headers missing' : p.replace(/\(.*$|:.*$| instead of.*$/, '').trim(),
  );
  return `${[...new Set(kinds)].join(', ')} — ${probe.route}`;
}
