import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest, RouteShorthandOptions } from 'fastify';
import type Provider from 'oidc-provider';
import { DomainError, ErrorCode } from '../../core/errors.ts';
import type { Flow, JourneyData } from '../../core/flows/flow.ts';
import type { Tenant } from '../../core/tenants/tenant.ts';
import type { ProviderCache } from '../../oidc/provider-cache.ts';
import { statusFor } from '../error-mapper.ts';
import { problemPage } from './views/sign-in-views.tsx';

/** One hosted-page request: the tenant, its provider, the OIDC interaction and its URL prefix. */
export interface InteractionCtx {
  tenant: Tenant;
  provider: Provider;
  uid: string;
  /** `/{tenant}/interaction/{uid}`: every page of the journey lives below it (the interaction cookie's path). */
  base: string;
  params: Record<string, unknown>;
  /** The prompt oidc-provider wants answered: `login` or `consent`. */
  prompt: string;
  /** The account already signed in to this browser session, if any. */
  sessionAccountId?: string;
  locale: string;
  /** The client's address, for rate limits and the sign-in log. */
  ip: string;
}

/** Fields every journey form posts. */
export interface JourneyForm {
  flow: string;
  csrf: string;
}

// Compares bytes, not UTF-16 units: a token with a multi-byte character has the same string
// length as a real one but more bytes, and timingSafeEqual throws on unequal lengths.
const sameToken = (a: string, b: string) => {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
};

/** The JSON schema shared by journey forms: known fields only, bounded lengths. */
export function formSchema(fields: Record<string, number>): RouteShorthandOptions {
  return {
    schema: {
      body: {
      type: 'object',
      required: ['flow', 'csrf'],
      properties: {
        flow: { type: 'string', maxLength: 64 },
        csrf: { type: 'string', maxLength: 64 },
        ...Object.fromEntries(Object.entries(fields).map(([name, maxLength]) => [name, { type: 'string', maxLength }])),
      },
      additionalProperties: false,
      },
    },
  };
}

/** The language for mails and pages: the app's ui_locales, else the browser's first choice. */
function pickLocale(params: Record<string, unknown>, acceptLanguage: string | undefined): string {
  const fromParams = typeof params.ui_locales === 'string' ? params.ui_locales.split(' ')[0] : undefined;
  const fromHeader = acceptLanguage?.split(',')[0]?.split(';')[0];
  const tag = (fromParams || fromHeader || 'en').trim();
  return /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(tag) ? tag : 'en';
}

/** What every journey's routes share: finding the interaction, checking forms, finishing. */
export function createInteractionKit(providers: ProviderCache) {
  function problem(reply: FastifyReply, status: number, title: string, message: string, tenantName?: string, startOverHref?: string) {
    return reply.status(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(problemPage({ title, message, tenantName, startOverHref }));
  }

  const expired = (reply: FastifyReply, ctx?: InteractionCtx) =>
    problem(reply, 400, 'Session expired', 'This sign-in page has expired. Go back to the app and select Sign in again.', ctx?.tenant.displayName);

  /**
   * Resolves the tenant and the live OIDC interaction of this browser (its cookie). Answers the
   * request itself (404 / expired page) and returns undefined when either is missing.
   */
  async function resolve(request: FastifyRequest, reply: FastifyReply): Promise<InteractionCtx | undefined> {
    const { tenant: name, uid } = request.params as { tenant: string; uid: string };
    const found = await providers.get(name);
    if (!found) {
      problem(reply, 404, 'Not found', 'There is no such directory.');
      return undefined;
    }
    const base = `/${found.tenant.name}/interaction/${encodeURIComponent(uid)}`;
    try {
      const details = await found.provider.interactionDetails(request.raw, reply.raw);
      if (details.uid !== uid) throw new Error('interaction mismatch');
      const params = details.params as Record<string, unknown>;
      const sessionAccountId = (details.session as { accountId?: string } | undefined)?.accountId;
      return { ...found, uid, base, params, prompt: details.prompt.name, sessionAccountId, locale: pickLocale(params, request.headers['accept-language']), ip: request.ip };
    } catch {
      expired(reply, { ...found, uid, base, params: {}, prompt: 'login', locale: 'en', ip: request.ip });
      return undefined;
    }
  }

  /**
   * Runs one POSTed step of a journey: resolves the interaction, loads the flow bound to it,
   * checks the CSRF token, runs the transition and answers 303 to the journey's page.
   */
  function step<F extends Flow<string, JourneyData>>(opts: {
    load: (ctx: InteractionCtx, flowId: string) => Promise<F>;
    /** The next flow version, or the URL of another journey's page that this step started. */
    run: (ctx: InteractionCtx, flow: F, form: Record<string, string | undefined>, request: FastifyRequest) => Promise<F | string>;
    pageOf: (ctx: InteractionCtx, flow: F) => string;
  }) {
    return async (request: FastifyRequest, reply: FastifyReply) => {
      const ctx = await resolve(request, reply);
      if (!ctx) return reply;
      const form = request.body as JourneyForm & Record<string, string | undefined>;
      let flow: F;
      try {
        flow = await opts.load(ctx, form.flow);
      } catch {
        return expired(reply, ctx);
      }
      if (!sameToken(form.csrf, flow.data.csrf)) {
        return problem(reply, statusFor('csrf_mismatch'), 'Session expired', ErrorCode.csrf_mismatch, ctx.tenant.displayName);
      }
      try {
        const next = await opts.run(ctx, flow, form, request);
        if (typeof next === 'string') return reply.header('cache-control', 'no-store').redirect(next, 303);
        flow = next;
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        if (error.code === 'flow_expired' || error.code === 'flow_not_found') return expired(reply, ctx);
        if (error.code !== 'flow_state_mismatch') throw error;
        // A double submit or the back button: show the flow's current step again.
      }
      return reply.header('cache-control', 'no-store').redirect(opts.pageOf(ctx, flow), 303);
    };
  }

  /**
   * Hands the result back to oidc-provider: the login (when the user just authenticated) and the
   * consent, which is implied because every app of a tenant is first-party (see docs/security.md).
   */
  async function complete(ctx: InteractionCtx, request: FastifyRequest, reply: FastifyReply, accountId: string, amr: string[] | null) {
    const details = await ctx.provider.interactionDetails(request.raw, reply.raw);
    const clientId = String(details.params.client_id ?? '');
    // The interaction's grant belongs to whoever was signed in when it began: reuse it only for
    // that same account (another user signing in over a live session gets a grant of their own).
    const found = details.grantId ? await ctx.provider.Grant.find(details.grantId) : undefined;
    const grant = found && found.accountId === accountId && found.clientId === clientId ? found : new ctx.provider.Grant({ accountId, clientId });
    if (typeof details.params.scope === 'string') grant.addOIDCScope(details.params.scope);
    const result = { ...(amr ? { login: { accountId, amr } } : {}), consent: { grantId: await grant.save() } };
    const redirectTo = await ctx.provider.interactionResult(request.raw, reply.raw, result, { mergeWithLastSubmission: false });
    return reply.header('cache-control', 'no-store').redirect(redirectTo, 303);
  }

  /** Sends a rendered page with the headers every auth page carries. */
  const page = (reply: FastifyReply, html: string, status = 200) => reply.status(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(html);

  return { resolve, step, complete, problem, expired, page };
}

export type InteractionKit = ReturnType<typeof createInteractionKit>;

export const flowQuery = (request: FastifyRequest): string | undefined => {
  const flow = (request.query as { flow?: unknown }).flow;
  return typeof flow === 'string' && flow.length <= 64 ? flow : undefined;
};
