import type { FastifyInstance } from 'fastify';
import { ErrorCode } from '../../core/errors.ts';
import type { SignUpFlow } from '../../core/flows/sign-up.ts';
import type { AppId } from '../../core/ids.ts';
import type { Services } from '../../services.ts';
import { type InteractionCtx, type InteractionKit, flowQuery, formSchema } from './interaction-kit.ts';
import { enterCodePage } from './views/passcode-views.tsx';
import { signUpDetailsPage, signUpEmailPage } from './views/sign-up-views.tsx';

/** Sign-up pages: Email address → Enter code → password and attributes → back in the app, signed in. */
export async function signUpPages(app: FastifyInstance, opts: { services: Services; kit: InteractionKit }): Promise<void> {
  const { signUp } = opts.services;
  const { kit } = opts;
  const pageOf = (ctx: InteractionCtx, flow: SignUpFlow) => `${ctx.base}/sign-up?flow=${encodeURIComponent(flow.id)}`;
  const load = (ctx: InteractionCtx, flowId: string) => signUp.load(ctx.tenant.id, flowId, ctx.uid);

  app.get('/:tenant/interaction/:uid/sign-up', async (request, reply) => {
    const ctx = await kit.resolve(request, reply);
    if (!ctx) return reply;
    const flowId = flowQuery(request);
    let flow = flowId ? await load(ctx, flowId).catch(() => undefined) : undefined;
    if (!flow) {
      const appId = typeof ctx.params.client_id === 'string' ? (ctx.params.client_id as AppId) : null;
      flow = await signUp.start({ tenant: ctx.tenant, interactionUid: ctx.uid, appId, locale: ctx.locale });
    }
    if (flow.state === 'completed' && flow.data.userId) return kit.complete(ctx, request, reply, flow.data.userId, ['pwd', 'otp']);
    if (flow.state === 'failed' || flow.state === 'completed') {
      return kit.problem(reply, 400, 'Start again', ErrorCode.too_many_attempts, ctx.tenant.displayName, `${ctx.base}/sign-up`);
    }
    const settings = await opts.services.journeySettings(ctx.tenant, flow.data.appId);
    const error = flow.data.error ? (flow.data.errorDetail ?? ErrorCode[flow.data.error]) : undefined;
    const common = { tenantName: ctx.tenant.displayName, flowId: flow.id, csrf: flow.data.csrf, error };
    if (flow.state === 'awaiting_email') {
      return kit.page(reply, signUpEmailPage({ ...common, action: `${ctx.base}/sign-up/email`, email: flow.data.email, signInHref: ctx.base }));
    }
    if (flow.state === 'awaiting_code') {
      return kit.page(
        reply,
        enterCodePage({
          ...common,
          title: 'Create account',
          email: flow.data.email ?? '',
          codeLength: settings.policies.passcode.length,
          action: `${ctx.base}/sign-up/code`,
          resendAction: `${ctx.base}/sign-up/resend`,
          startOverHref: `${ctx.base}/sign-up`,
        }),
      );
    }
    const fields = await signUp.fieldsFor(ctx.tenant, flow.data.appId);
    return kit.page(reply, signUpDetailsPage({ ...common, action: `${ctx.base}/sign-up/details`, email: flow.data.email ?? '', minLength: settings.policies.password.minLength, fields, values: flow.data.values }));
  });

  app.post('/:tenant/interaction/:uid/sign-up/email', formSchema({ email: 1024 }), kit.step({ load, pageOf, run: (ctx, flow, form) => signUp.submitEmail(ctx.tenant, flow, form.email ?? '', ctx.ip) }));
  app.post('/:tenant/interaction/:uid/sign-up/code', formSchema({ code: 64 }), kit.step({ load, pageOf, run: (ctx, flow, form) => signUp.submitCode(ctx.tenant, flow, form.code ?? '', ctx.ip) }));
  app.post('/:tenant/interaction/:uid/sign-up/resend', formSchema({}), kit.step({ load, pageOf, run: (ctx, flow) => signUp.resend(ctx.tenant, flow, ctx.ip) }));
  // The attribute fields depend on the user flow, so the schema only bounds them (strings, count,
  // length); the core checks names, types and required fields.
  const detailsSchema = {
    schema: {
      body: {
        type: 'object',
        required: ['flow', 'csrf'],
        maxProperties: 120,
        properties: { flow: { type: 'string', maxLength: 64 }, csrf: { type: 'string', maxLength: 64 } },
        additionalProperties: { type: 'string', maxLength: 4096 },
      },
    },
  };
  app.post('/:tenant/interaction/:uid/sign-up/details', detailsSchema, kit.step({
    load,
    pageOf,
    run: (ctx, flow, form) => {
      const { password = '', confirm = '', ...values } = form;
      return signUp.submitDetails(ctx.tenant, flow, { password, confirm, values });
    },
  }));
}
