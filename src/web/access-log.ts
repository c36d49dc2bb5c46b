import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';

export type AccessLogMode = 'off' | 'one-line' | 'full';

/** off above `debug`; one line per request at `debug`; Fastify's own two lines at `trace`. */
export function accessLogMode(level: string): AccessLogMode {
  if (level === 'trace') return 'full';
  return level === 'debug' ? 'one-line' : 'off';
}

/**
 * Fastify's request logging with the per-request lines made quiet. Why: at `info`, Fastify writes
 * two JSON lines for every request ("incoming request", "request completed"); under load that
 * was a measurable share of the server's CPU (`npm run bench`) for lines nobody reads. Errors are
 * still logged exactly as before (every other hook of LogController is untouched). At `debug` a
 * one-line access log is written (method, path without the query, status, time); at `trace`
 * Fastify's complete request lines, as before.
 */
export class QuietAccessLog extends LogController {
  readonly #mode: AccessLogMode;

  constructor(mode: AccessLogMode) {
    super();
    this.#mode = mode;
  }

  override incomingRequest(request: FastifyRequest, reply: FastifyReply): void {
    if (this.#mode === 'full') super.incomingRequest(request, reply);
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error || this.#mode === 'full') {
      super.requestCompleted(error, request, reply);
      return;
    }
    if (this.#mode === 'off') return;
    const url = request.raw.url ?? '';
    const query = url.indexOf('?');
    // The path only: queries carry login hints, states and nonces that have no place in a log.
    const path = query === -1 ? url : url.slice(0, query);
    reply.log.debug({ method: request.method, path, statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  }
}
