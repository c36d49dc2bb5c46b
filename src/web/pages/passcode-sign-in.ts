import type { FastifyInstance } from 'fastify';
import { ErrorCode } from '../../core/errors.ts';
import type { PasscodeSignInFlow } from '../../core/flows/passcode-sign-in.ts';
import type { Services } from '../../services.ts';
import { type InteractionCtx, type InteractionKit, flowQuery, formSchema } from './interaction-kit.ts';
import { enterCodePage } from './views/passcode-views.tsx';

/** Passwordless sign-in pages: Enter code (with Resend code) → back in the app, signed in. */
export async function passcodeSignInPages(app: FastifyInstance, opts: { services: Services; kit: InteractionKit }): Promise<void> {
  const { passcodeSignIn } = opts.services;
  const { kit } = opts;
  const pageOf = (ctx: InteractionCtx, flow: PasscodeSignInFlow) => `${ctx.base}/code?flow=${encodeURIComponent(flow.id)}`;
  const load = (ctx: InteractionCtx, flowId: string) => passcodeSignIn.load(ctx.tenant.id, flowId, ctx.uid);

  app.get('/:tenant/interaction/:uid/code', async (request, reply) => {
    const ctx = await kit.resolve(request, reply);
    if (!ctx) return reply;
    const flowId = flowQuery(request);
    const flow = flowId ? await load(ctx, flowId).catch(() => undefined) : undefined;
    if (!flow) return kit.expired(reply, ctx);
    if (flow.state === 'completed' && flow.data.userId) return kit.complete(ctx, request, reply, flow.data.userId, ['otp']);
    if (flow.state !== 'awaiting_code') return kit.problem(reply, 400, 'Start again', ErrorCode.too_many_attempts, ctx.tenant.displayName, ctx.base);
    const settings = await opts.services.journeySettings(ctx.tenant, flow.data.appId);
    return kit.page(
      reply,
      enterCodePage({
        tenantName: ctx.tenant.displayName,
        flowId: flow.id,
        csrf: flow.data.csrf,
        error: flow.data.error ? ErrorCode[flow.data.error] : undefined,
        title: 'Sign in',
        email: flow.data.email,
        codeLength: settings.policies.passcode.length,
        action: `${ctx.base}/code/verify`,
        resendAction: `${ctx.base}/code/resend`,
        startOverHref: ctx.base,
      }),
    );
  });

  app.post(
    '/:tenant/interaction/:uid/code/verify',
    formSchema({ code: 64 }),
    kit.step({
      load,
      pageOf,
      run: (ctx, flow, form, request) => passcodeSignIn.submitCode(ctx.tenant, flow, form.code ?? '', { ip: request.ip, userAgent: request.headers['user-agent'] ?? null }),
    }),
  );
  app.post('/:tenant/interaction/:uid/code/resend', formSchema({}), kit.step({ load, pageOf, run: (ctx, flow) => passcodeSignIn.resend(ctx.tenant, flow, ctx.ip) }));
}
