import type { AppId, UserFlowId } from '../core/ids.ts';
import type { SignInMethod } from '../core/user-flows/user-flow.ts';
import type { UserFlowView } from '../core/user-flows/user-flow-admin.ts';
import { type CommandGroup, UsageError } from './command.ts';
import { isoTime, table } from './output.ts';

const flowJson = (f: UserFlowView) => ({ ...f, createdAt: isoTime(f.createdAt) });
const tenantOption = { type: 'string', value: 'TENANT', required: true, help: 'Name of the tenant.' } as const;
const METHODS: Record<string, SignInMethod> = { password: 'email_password', email_password: 'email_password', otp: 'email_otp', email_otp: 'email_otp' };

function methodsOf(values: string[]): SignInMethod[] {
  return values.map((value) => {
    const method = METHODS[value];
    if (!method) throw new UsageError(`unknown method "${value}" (password or otp)`);
    return method;
  });
}

/** `latchkey userflow …`: the same service (and rules, and audit) as the admin API's user-flow routes. */
export const userFlowCommands: CommandGroup = {
  summary: 'Create, list and link user flows ("sign up and sign in").',
  subcommands: {
    create: {
      summary: 'Create a user flow; optionally make apps use it.',
      options: {
        tenant: tenantOption,
        name: { type: 'string', value: 'NAME', required: true, help: 'Name of the flow, shown to admins.' },
        method: {
          type: 'string',
          value: 'METHOD',
          multiple: true,
          required: true,
          help: 'password (Email with password) or otp (Email one-time passcode); repeat for both.',
        },
        attribute: { type: 'string', value: 'NAME', multiple: true, help: 'An attribute to collect at sign-up (built-in or custom); default displayName.' },
        'no-sspr': { type: 'boolean', help: 'Do not offer "Forgot password?" (on by default with password).' },
        app: { type: 'string', value: 'CLIENT_ID', multiple: true, help: 'An app that should use this flow (it leaves its previous one).' },
      },
      async run({ args, out, withServices }) {
        const flow = await withServices(async (s) => {
          const tenant = await s.tenants.getByName(args.required('tenant'));
          const methods = methodsOf(args.list('method'));
          const attributes = args.list('attribute');
          let created = await s.resources.userFlows.create(
            tenant.id,
            { name: args.required('name'), methods, ...(attributes.length > 0 ? { attributes } : {}), ...(args.flag('no-sspr') ? { ssprEnabled: false } : {}) },
            'cli',
          );
          for (const appId of args.list('app')) created = await s.resources.userFlows.setApp(tenant.id, created.view.id, appId as AppId, true, 'cli');
          return created.view;
        });
        out.result(flowJson(flow), [
          `Created user flow ${flow.name}`,
          `  id: ${flow.id}`,
          `  methods: ${flow.methods.join(', ')}; SSPR ${flow.ssprEnabled ? 'on' : 'off'}`,
          `  apps: ${flow.appIds.join(', ') || '-'}`,
        ]);
      },
    },
    list: {
      summary: 'List the user flows of a tenant.',
      options: { tenant: tenantOption },
      async run({ args, out, withServices }) {
        const flows = await withServices(async (s) => s.resources.userFlows.list((await s.tenants.getByName(args.required('tenant'))).id));
        out.result(
          flows.map(flowJson),
          table(
            ['ID', 'NAME', 'METHODS', 'SSPR', 'APPS'],
            flows.map((f) => [f.id, f.name, f.methods.join(','), f.ssprEnabled ? 'on' : 'off', f.appIds.join(',') || '-']),
          ),
        );
      },
    },
    link: {
      summary: 'Make an app use a user flow (it leaves its previous one).',
      options: {
        tenant: tenantOption,
        flow: { type: 'string', value: 'ID', required: true, help: 'The user flow.' },
        app: { type: 'string', value: 'CLIENT_ID', required: true, help: 'The app.' },
      },
      async run({ args, out, withServices }) {
        const flow = await withServices(async (s) => {
          const tenant = await s.tenants.getByName(args.required('tenant'));
          return (await s.resources.userFlows.setApp(tenant.id, args.required('flow') as UserFlowId, args.required('app') as AppId, true, 'cli')).view;
        });
        out.result(flowJson(flow), [`App ${args.required('app')} now uses user flow ${flow.name}`]);
      },
    },
  },
};
