import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * Headers every response carries. CSP allows the pages' one same-origin script file and no inline
 * script at all; form-action is left out on
 * purpose because Chromium applies it to the redirect chain after a sign-in POST, which ends at
 * the app's (other-origin) redirect URI.
 */
export function securityHeaders(https: boolean): Record<string, string> {
  return {
    'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'",
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    ...(https ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {}),
  };
}

export function installSecurityHeaders(app: FastifyInstance, https: boolean): void {
  const headers = securityHeaders(https);
  app.addHook('onRequest', async (_request, reply) => {
    reply.headers(headers);
  });
}

/** Copies the headers set so far onto the raw response, for routes that hijack the reply. */
export function flushHeaders(reply: FastifyReply): void {
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined) reply.raw.setHeader(name, value as string);
  }
}

const INLINE_SCRIPT = /<script(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/gi;

/**
 * oidc-provider renders two pages of its own with a small inline script that submits a form
 * (the form_post response mode, and logout without a session). Rather than loosen the CSP for
 * everyone, the page's own scripts are allowed by their SHA-256 on that response only. Works
 * because Koa sets headers and then calls end() once with the whole body.
 */
export function allowOwnInlineScripts(res: ServerResponse): void {
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.end = ((...args: unknown[]) => {
    const [chunk] = args;
    const html = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : '';
    const csp = res.getHeader('content-security-policy');
    if (!res.headersSent && typeof csp === 'string' && html.includes('<script')) {
      const hashes = [...html.matchAll(INLINE_SCRIPT)].map((m) => `'sha256-${createHash('sha256').update(m[1] ?? '').digest('base64')}'`);
      if (hashes.length > 0) res.setHeader('content-security-policy', csp.replace("script-src 'self'", `script-src 'self' ${[...new Set(hashes)].join(' ')}`));
    }
    return end(...args);
  }) as ServerResponse['end'];
}

/** Answers a request Node's HTTP parser refused (431 for an oversized head, else 400) and closes. */
export function rejectMalformedRequest(error: Error & { code?: string }, socket: Duplex, headers: Record<string, string>): void {
  if (!socket.writable) return void socket.destroy();
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const status = tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request';
  const body = JSON.stringify({ error: { code: tooLarge ? 'headers_too_large' : 'bad_request', message: tooLarge ? 'The request headers are too large.' : 'The request is malformed.' } });
  const lines = Object.entries({ ...headers, 'cache-control': 'no-store', 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(body)), connection: 'close' });
  socket.end(`HTTP/1.1 ${status}\r\n${lines.map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n${body}`);
}
