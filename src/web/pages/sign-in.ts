import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import { DomainError, ErrorCode } from '../../core/errors.ts';
import type { SignInFlow } from '../../core/flows/sign-in.ts';
import type { AppId } from '../../core/ids.ts';
import type { Tenant } from '../../core/tenants/tenant.ts';
import type { ProviderCache } from '../../oidc/provider-cache.ts';
import type { Services } from '../../services.ts';
import { statusFor } from '../error-mapper.ts';
import { emailPage, passwordPage, problemPage } from './views/sign-in-views.tsx';

interface Ctx {
  tenant: Tenant;
  provider: Provider;
  uid: string;
  base: string;
}

const formSchema = {
  type: 'object',
  required: ['flow', 'csrf'],
  properties: {
    flow: { type: 'string', maxLength: 64 },
    csrf: { type: 'string', maxLength: 64 },
    email: { type: 'string', maxLength: 1024 },
    password: { type: 'string', maxLength: 4096 },
    username: { type: 'string', maxLength: 1024 },
  },
  additionalProperties: false,
} as const;

interface Form {
  flow: string;
  csrf: string;
  email?: string;
  password?: string;
}

const sameToken = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * The hosted sign-in pages: oidc-provider's "login" interaction, driven through the core
 * sign-in flow. Every POST answers 303 to the GET of the flow's current step (RFC 9700 §4.12).
 */
export async function signInPages(app: FastifyInstance, opts: { services: Services; providers: ProviderCache }): Promise<void> {
  const { signIn } = opts.services;

  async function context(request: FastifyRequest): Promise<Ctx | undefined> {
    const { tenant: name, uid } = request.params as { tenant: string; uid: string };
    const found = await opts.providers.get(name);
    if (!found) return undefined;
    return { ...found, uid, base: `/${found.tenant.name}/interaction/${encodeURIComponent(uid)}` };
  }

  function problem(reply: FastifyReply, status: number, title: string, message: string, tenantName?: string) {
    return reply.status(status).type('text/html; charset=utf-8').send(problemPage({ title, message, tenantName }));
  }

  /** The interaction must exist and belong to this browser (its cookie), else the journey restarts at the app. */
  async function interaction(ctx: Ctx, request: FastifyRequest, reply: FastifyReply) {
    try {
      const details = await ctx.provider.interactionDetails(request.raw, reply.raw);
      return details.uid === ctx.uid ? details : undefined;
    } catch {
      return undefined;
    }
  }

  function render(ctx: Ctx, flow: SignInFlow, reply: FastifyReply) {
    const error = flow.data.error ? ErrorCode[flow.data.error] : undefined;
    const common = { tenantName: ctx.tenant.displayName, action: ctx.base, flowId: flow.id, csrf: flow.data.csrf, error };
    reply.header('cache-control', 'no-store').type('text/html; charset=utf-8');
    if (flow.state === 'awaiting_password') {
      return reply.send(passwordPage({ ...common, email: flow.data.email ?? '', changeEmailAction: `${ctx.base}/change-email` }));
    }
    return reply.send(emailPage({ ...common, email: flow.data.email }));
  }

  const expired = (reply: FastifyReply, ctx?: Ctx) =>
    problem(reply, 400, 'Session expired', 'This sign-in page has expired. Go back to the app and select Sign in again.', ctx?.tenant.displayName);

  app.get('/:tenant/interaction/:uid', async (request, reply) => {
    const ctx = await context(request);
    if (!ctx) return problem(reply, 404, 'Not found', 'There is no such directory.');
    const details = await interaction(ctx, request, reply);
    if (!details) return expired(reply, ctx);
    const signedIn = (details.session as { accountId?: string } | undefined)?.accountId;
    if (details.prompt.name === 'consent' && signedIn) return complete(ctx, request, reply, signedIn, false);
    const flowId = (request.query as { flow?: unknown }).flow;
    if (typeof flowId === 'string' && flowId.length <= 64) {
      const flow = await signIn.load(ctx.tenant.id, flowId, ctx.uid).catch(() => undefined);
      if (flow?.state === 'completed') return finish(ctx, flow, request, reply);
      if (flow) return render(ctx, flow, reply);
    }
    const params = details.params as { client_id?: string; login_hint?: string };
    const flow = await signIn.start({
      tenantId: ctx.tenant.id,
      interactionUid: ctx.uid,
      appId: (params.client_id ?? null) as AppId | null,
      loginHint: typeof params.login_hint === 'string' ? params.login_hint : undefined,
    });
    return render(ctx, flow, reply);
  });

  /** Runs one step for a POSTed form: checks interaction, flow binding and CSRF token first. */
  function step(run: (flow: SignInFlow, form: Form, request: FastifyRequest) => Promise<SignInFlow>) {
    return async (request: FastifyRequest, reply: FastifyReply) => {
      const ctx = await context(request);
      if (!ctx) return problem(reply, 404, 'Not found', 'There is no such directory.');
      if (!(await interaction(ctx, request, reply))) return expired(reply, ctx);
      const form = request.body as Form;
      let flow: SignInFlow;
      try {
        flow = await signIn.load(ctx.tenant.id, form.flow, ctx.uid);
      } catch {
        return expired(reply, ctx);
      }
      if (!sameToken(form.csrf, flow.data.csrf)) {
        return problem(reply, statusFor('csrf_mismatch'), 'Session expired', ErrorCode.csrf_mismatch, ctx.tenant.displayName);
      }
      try {
        flow = await run(flow, form, request);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        if (error.code === 'flow_expired' || error.code === 'flow_not_found') return expired(reply, ctx);
        // flow_state_mismatch: a double submit or back button; show the flow's current step.
      }
      if (flow.state === 'completed') return finish(ctx, flow, request, reply);
      return reply.redirect(`${ctx.base}?flow=${encodeURIComponent(flow.id)}`, 303);
    };
  }

  async function finish(ctx: Ctx, flow: SignInFlow, request: FastifyRequest, reply: FastifyReply) {
    const accountId = flow.data.userId;
    if (!accountId) return expired(reply, ctx);
    return complete(ctx, request, reply, accountId, true);
  }

  /**
   * Hands the result back to oidc-provider: the login (when the user just authenticated) and the
   * consent, which is implied because every app of a tenant is first-party (see docs/security.md).
   */
  async function complete(ctx: Ctx, request: FastifyRequest, reply: FastifyReply, accountId: string, login: boolean) {
    const details = await ctx.provider.interactionDetails(request.raw, reply.raw);
    const clientId = String(details.params.client_id ?? '');
    const grantId = details.grantId;
    const grant = (grantId && (await ctx.provider.Grant.find(grantId))) || new ctx.provider.Grant({ accountId, clientId });
    if (typeof details.params.scope === 'string') grant.addOIDCScope(details.params.scope);
    const result = { ...(login ? { login: { accountId, amr: ['pwd'] } } : {}), consent: { grantId: await grant.save() } };
    const redirectTo = await ctx.provider.interactionResult(request.raw, reply.raw, result, { mergeWithLastSubmission: false });
    return reply.header('cache-control', 'no-store').redirect(redirectTo, 303);
  }

  const post = { schema: { body: formSchema } };
  app.post('/:tenant/interaction/:uid/email', post, step((flow, form) => signIn.submitEmail(flow, form.email ?? '')));
  app.post('/:tenant/interaction/:uid/change-email', post, step((flow) => signIn.changeEmail(flow)));
  app.post(
    '/:tenant/interaction/:uid/password',
    post,
    step((flow, form, request) => signIn.submitPassword(flow, form.password ?? '', { ip: request.ip, userAgent: request.headers['user-agent'] ?? null })),
  );
}
