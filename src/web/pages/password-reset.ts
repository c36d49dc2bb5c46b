import type { FastifyInstance } from 'fastify';
import { ErrorCode } from '../../core/errors.ts';
import type { PasswordResetFlow } from '../../core/flows/password-reset.ts';
import type { Services } from '../../services.ts';
import { type InteractionCtx, type InteractionKit, flowQuery, formSchema } from './interaction-kit.ts';
import { enterCodePage, newPasswordPage } from './views/passcode-views.tsx';

/**
 * Self-service password reset pages: Enter code (with Resend code) → New password + Confirm
 * password → Reset password → back in the app, signed in. Started by "Forgot password?".
 */
export async function passwordResetPages(app: FastifyInstance, opts: { services: Services; kit: InteractionKit }): Promise<void> {
  const { passwordReset } = opts.services;
  const { kit } = opts;
  const pageOf = (ctx: InteractionCtx, flow: PasswordResetFlow) => `${ctx.base}/reset?flow=${encodeURIComponent(flow.id)}`;
  const load = (ctx: InteractionCtx, flowId: string) => passwordReset.load(ctx.tenant.id, flowId, ctx.uid);

  app.get('/:tenant/interaction/:uid/reset', async (request, reply) => {
    const ctx = await kit.resolve(request, reply);
    if (!ctx) return reply;
    const flowId = flowQuery(request);
    const flow = flowId ? await load(ctx, flowId).catch(() => undefined) : undefined;
    if (!flow) return kit.expired(reply, ctx);
    if (flow.state === 'completed' && flow.data.userId) return kit.complete(ctx, request, reply, flow.data.userId, ['pwd', 'otp']);
    if (flow.state === 'failed' || flow.state === 'completed') {
      return kit.problem(reply, 400, 'Start again', ErrorCode.too_many_attempts, ctx.tenant.displayName, ctx.base);
    }
    const settings = await opts.services.journeySettings(ctx.tenant, flow.data.appId);
    const common = { tenantName: ctx.tenant.displayName, flowId: flow.id, csrf: flow.data.csrf, error: flow.data.error ? ErrorCode[flow.data.error] : undefined };
    if (flow.state === 'awaiting_new_password') {
      return kit.page(reply, newPasswordPage({ ...common, action: `${ctx.base}/reset/password`, email: flow.data.email, minLength: settings.policies.password.minLength }));
    }
    return kit.page(
      reply,
      enterCodePage({
        ...common,
        title: 'Reset password',
        email: flow.data.email,
        codeLength: settings.policies.passcode.length,
        action: `${ctx.base}/reset/code`,
        resendAction: `${ctx.base}/reset/resend`,
        startOverHref: ctx.base,
      }),
    );
  });

  app.post('/:tenant/interaction/:uid/reset/code', formSchema({ code: 64 }), kit.step({ load, pageOf, run: (ctx, flow, form) => passwordReset.submitCode(ctx.tenant, flow, form.code ?? '', ctx.ip) }));
  app.post('/:tenant/interaction/:uid/reset/resend', formSchema({}), kit.step({ load, pageOf, run: (ctx, flow) => passwordReset.resend(ctx.tenant, flow, ctx.ip) }));
  app.post(
    '/:tenant/interaction/:uid/reset/password',
    formSchema({ password: 4096, confirm: 4096, username: 1024 }),
    kit.step({ load, pageOf, run: (ctx, flow, form) => passwordReset.submitNewPassword(ctx.tenant, flow, form.password ?? '', form.confirm ?? '') }),
  );
}
