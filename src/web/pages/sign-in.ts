import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode } from '../../core/errors.ts';
import type { SignInFlow } from '../../core/flows/sign-in.ts';
import type { AppId } from '../../core/ids.ts';
import type { Services } from '../../services.ts';
import { type InteractionCtx, type InteractionKit, flowQuery, formSchema } from './interaction-kit.ts';
import { newPasswordPage } from './views/passcode-views.tsx';
import { emailPage, passwordPage } from './views/sign-in-views.tsx';

const appOf = (ctx: InteractionCtx) => (typeof ctx.params.client_id === 'string' ? (ctx.params.client_id as AppId) : null);

/**
 * The hosted sign-in pages: oidc-provider's login interaction, driven through the core sign-in
 * flow. Email address → Next → Password → Sign in, or on to an emailed code when the user flow
 * signs in with Email one-time passcode. Every POST answers 303 (RFC 9700 §4.12).
 */
export async function signInPages(app: FastifyInstance, opts: { services: Services; kit: InteractionKit }): Promise<void> {
  const { signIn, passwordReset, passcodeSignIn } = opts.services;
  const { kit } = opts;
  const pageOf = (ctx: InteractionCtx, flow: SignInFlow) => `${ctx.base}?flow=${encodeURIComponent(flow.id)}`;
  const load = (ctx: InteractionCtx, flowId: string) => signIn.load(ctx.tenant.id, flowId, ctx.uid);

  async function render(ctx: InteractionCtx, flow: SignInFlow, request: FastifyRequest, reply: FastifyReply) {
    if (flow.state === 'completed' && flow.data.userId) return kit.complete(ctx, request, reply, flow.data.userId, ['pwd']);
    const settings = await opts.services.journeySettings(ctx.tenant, flow.data.appId);
    const common = {
      tenantName: ctx.tenant.displayName,
      action: ctx.base,
      flowId: flow.id,
      csrf: flow.data.csrf,
      error: flow.data.error ? ErrorCode[flow.data.error] : undefined,
      signUpHref: settings.signUpAllowed ? `${ctx.base}/sign-up` : undefined,
    };
    if (flow.state === 'awaiting_new_password') {
      const { minLength } = settings.policies.password;
      return kit.page(reply, newPasswordPage({ ...common, action: `${ctx.base}/new-password`, email: flow.data.email ?? '', minLength }));
    }
    if (flow.state === 'awaiting_password') {
      return kit.page(
        reply,
        passwordPage({
          ...common,
          email: flow.data.email ?? '',
          changeEmailAction: `${ctx.base}/change-email`,
          forgotPasswordAction: settings.ssprOffered ? `${ctx.base}/forgot` : undefined,
          useCodeAction: settings.passcodeSignInOffered ? `${ctx.base}/use-code` : undefined,
        }),
      );
    }
    return kit.page(reply, emailPage({ ...common, email: flow.data.email }));
  }

  app.get('/:tenant/interaction/:uid', async (request, reply) => {
    const ctx = await kit.resolve(request, reply);
    if (!ctx) return reply;
    // Only consent is pending (the user is signed in already): it is implied for first-party apps.
    if (ctx.prompt === 'consent' && ctx.sessionAccountId) return kit.complete(ctx, request, reply, ctx.sessionAccountId, null);
    const flowId = flowQuery(request);
    const existing = flowId ? await load(ctx, flowId).catch(() => undefined) : undefined;
    if (existing) return render(ctx, existing, request, reply);
    const flow = await signIn.start({
      tenantId: ctx.tenant.id,
      interactionUid: ctx.uid,
      appId: appOf(ctx),
      loginHint: typeof ctx.params.login_hint === 'string' ? ctx.params.login_hint : undefined,
    });
    return render(ctx, flow, request, reply);
  });

  const startPasscodeSignIn = async (ctx: InteractionCtx, flow: SignInFlow) => {
    const next = await passcodeSignIn.start({ tenant: ctx.tenant, interactionUid: ctx.uid, appId: flow.data.appId, email: flow.data.email ?? '', locale: ctx.locale, ip: ctx.ip });
    return `${ctx.base}/code?flow=${encodeURIComponent(next.id)}`;
  };

  app.post(
    '/:tenant/interaction/:uid/email',
    formSchema({ email: 1024 }),
    kit.step({
      load,
      pageOf,
      run: async (ctx, flow, form) => {
        const next = await signIn.submitEmail(flow, form.email ?? '');
        if (next.state !== 'awaiting_password') return next;
        const settings = await opts.services.journeySettings(ctx.tenant, next.data.appId);
        // A user flow with only Email one-time passcode goes straight to the code.
        return settings.methods.includes('email_password') ? next : startPasscodeSignIn(ctx, next);
      },
    }),
  );
  app.post('/:tenant/interaction/:uid/change-email', formSchema({}), kit.step({ load, pageOf, run: (_ctx, flow) => signIn.changeEmail(flow) }));
  app.post(
    '/:tenant/interaction/:uid/password',
    formSchema({ password: 4096, username: 1024 }),
    kit.step({
      load,
      pageOf,
      run: (_ctx, flow, form, request) => signIn.submitPassword(flow, form.password ?? '', { ip: request.ip, userAgent: request.headers['user-agent'] ?? null }),
    }),
  );
  app.post(
    '/:tenant/interaction/:uid/new-password',
    formSchema({ password: 4096, confirm: 4096, username: 1024 }),
    kit.step({ load, pageOf, run: (_ctx, flow, form) => signIn.submitNewPassword(flow, form.password ?? '', form.confirm ?? '') }),
  );
  app.post(
    '/:tenant/interaction/:uid/forgot',
    formSchema({}),
    kit.step({
      load,
      pageOf,
      run: async (ctx, flow) => {
        if (flow.state !== 'awaiting_password') return flow;
        const reset = await passwordReset.start({ tenant: ctx.tenant, interactionUid: ctx.uid, appId: flow.data.appId, email: flow.data.email ?? '', locale: ctx.locale, ip: ctx.ip });
        return `${ctx.base}/reset?flow=${encodeURIComponent(reset.id)}`;
      },
    }),
  );
  app.post(
    '/:tenant/interaction/:uid/use-code',
    formSchema({}),
    kit.step({ load, pageOf, run: (ctx, flow) => (flow.state === 'awaiting_password' ? startPasscodeSignIn(ctx, flow) : Promise.resolve(flow)) }),
  );
}
