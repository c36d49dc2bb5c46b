import type { FastifyError, FastifyInstance } from 'fastify';
import { DomainError, type ErrorCode } from '../core/errors.ts';
import { problemPage } from './pages/views/sign-in-views.tsx';

/** The only place a domain error code becomes an HTTP status. */
const STATUS: Record<ErrorCode, number> = {
  invalid_credentials: 400,
  invalid_email: 400,
  invalid_input: 400,
  email_taken: 409,
  tenant_not_found: 404,
  tenant_exists: 409,
  invalid_tenant_name: 400,
  app_not_found: 404,
  user_not_found: 404,
  invalid_redirect_uri: 400,
  password_too_short: 400,
  password_too_long: 400,
  flow_not_found: 400,
  flow_expired: 400,
  flow_state_mismatch: 409,
  csrf_mismatch: 403,
  no_signing_key: 500,
  invalid_passcode: 400,
  too_many_attempts: 400,
  too_many_sends: 429,
  resend_too_soon: 429,
  password_mismatch: 400,
  password_recently_used: 400,
  method_not_available: 400,
  sign_up_not_allowed: 403,
  attribute_required: 400,
  attribute_invalid: 400,
  rate_limited: 429,
  password_blocked: 400,
  password_too_simple: 400,
  unauthenticated: 401,
  forbidden: 403,
  api_key_not_found: 404,
  precondition_failed: 412,
  precondition_required: 428,
  invalid_cursor: 400,
  user_flow_not_found: 404,
  user_flow_in_use: 409,
  user_flow_needs_method: 422,
  sspr_needs_password: 422,
  attribute_not_found: 404,
  attribute_exists: 409,
  attribute_in_use: 409,
  unknown_attribute: 422,
  group_not_found: 404,
  group_exists: 409,
  group_in_use: 409,
  invalid_branding: 400,
  confirmation_mismatch: 400,
  secret_not_found: 404,
  invalid_policy: 422,
};

export const statusFor = (code: ErrorCode): number => STATUS[code];

export interface ErrorMapperOptions {
  /** Whether browsers (Accept: text/html) get an HTML page; an API answers JSON to every client. */
  pages: boolean;
}

/**
 * Maps every error to a clear 4xx (or a logged 500 for our own bugs): domain errors by code,
 * Fastify's own (validation, body too large, bad content type) by their status, as a page for
 * browsers (where `pages`) and JSON otherwise. Installed on the root, and again, encapsulated
 * and without pages, by the admin API for its own prefix.
 */
export function installErrorMapper(app: FastifyInstance, { pages }: ErrorMapperOptions = { pages: true }): void {
  const wantsHtml = (accept: string | undefined) => pages && (accept ?? '').includes('text/html');
  app.setErrorHandler((error: FastifyError | DomainError, request, reply) => {
    let status: number;
    let code: string;
    let message: string;
    if (error instanceof DomainError) {
      status = statusFor(error.code);
      if (error.meta.retryAfterMs !== undefined) reply.header('retry-after', String(Math.max(1, Math.ceil(error.meta.retryAfterMs / 1000))));
      code = error.code;
      message = error.message;
    } else if (error.validation || (error.statusCode && error.statusCode >= 400 && error.statusCode < 500)) {
      status = error.validation ? 400 : (error.statusCode ?? 400);
      code = error.validation ? 'invalid_input' : (error.code ?? 'bad_request').toLowerCase();
      message = error.validation ? `Invalid request: ${error.message}` : error.message;
    } else {
      request.log.error({ err: error }, 'unhandled error');
      status = 500;
      code = 'server_error';
      message = 'Something went wrong on our side. Try again.';
    }
    reply.header('cache-control', 'no-store');
    if (wantsHtml(request.headers.accept)) {
      return reply.status(status).type('text/html; charset=utf-8').send(problemPage({ title: status >= 500 ? 'Server error' : 'Request problem', message }));
    }
    return reply.status(status).send({ error: { code, message } });
  });
  app.setNotFoundHandler((request, reply) => {
    if (wantsHtml(request.headers.accept)) {
      return reply.status(404).type('text/html; charset=utf-8').send(problemPage({ title: 'Not found', message: 'There is no page at this address.' }));
    }
    return reply.status(404).send({ error: { code: 'not_found', message: 'Not found.' } });
  });
}
