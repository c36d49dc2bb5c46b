import type { GroupId } from '../core/ids.ts';
import type { IncludeTarget } from '../core/policies/auth-methods-policy.ts';
import { type CommandGroup, UsageError } from './command.ts';

const tenantOption = { type: 'string', value: 'TENANT', required: true, help: 'Name of the tenant.' } as const;

/** `latchkey policy …`: the same service (rules, If-Match, audit) as the admin API's policy routes. */
export const policyCommands: CommandGroup = {
  summary: "Show and change a tenant's policies.",
  subcommands: {
    show: {
      summary: 'Print every policy of a tenant (authentication methods, password, passcode, lockout).',
      options: { tenant: tenantOption },
      async run({ args, out, withServices }) {
        const policies = await withServices(async (s) => {
          const tenant = await s.tenants.getByName(args.required('tenant'));
          const read = (name: 'authMethods' | 'password' | 'passcode' | 'lockout') => s.resources.policies.get(tenant.id, name).then((p) => p.view);
          return { authMethods: await read('authMethods'), password: await read('password'), passcode: await read('passcode'), lockout: await read('lockout') };
        });
        out.result(policies, JSON.stringify(policies, null, 2).split('\n'));
      },
    },
    'email-otp': {
      summary: 'Turn Email OTP on or off, and say for whom (the authentication methods policy).',
      options: {
        tenant: tenantOption,
        enable: { type: 'boolean', help: 'Turn Email OTP on.' },
        disable: { type: 'boolean', help: 'Turn Email OTP off.' },
        include: { type: 'string', value: 'TARGET', multiple: true, help: 'all_users, or a group id; repeat for several (default: unchanged).' },
        exclude: { type: 'string', value: 'GROUP_ID', multiple: true, help: 'A group id to exclude (exclusion wins); repeat for several.' },
        'clear-excludes': { type: 'boolean', help: 'Exclude no group.' },
      },
      notes: ['Example: latchkey policy email-otp --tenant contoso --enable --include all_users'],
      async run({ args, out, withServices }) {
        if (args.flag('enable') && args.flag('disable')) throw new UsageError('--enable and --disable exclude each other');
        const policy = await withServices(async (s) => {
          const tenant = await s.tenants.getByName(args.required('tenant'));
          const { view, etag } = await s.resources.policies.get(tenant.id, 'authMethods');
          const include = args.list('include');
          const exclude = args.list('exclude');
          const emailOtp = {
            enabled: args.flag('enable') ? true : args.flag('disable') ? false : view.emailOtp.enabled,
            includeTargets: include.length > 0 ? (include as IncludeTarget[]) : view.emailOtp.includeTargets,
            excludeTargets: args.flag('clear-excludes') ? [] : exclude.length > 0 ? (exclude as GroupId[]) : view.emailOtp.excludeTargets,
          };
          return (await s.resources.policies.replace(tenant.id, 'authMethods', { emailOtp }, etag, 'cli')).view;
        });
        const { enabled, includeTargets, excludeTargets } = policy.emailOtp;
        out.result(policy, [
          `Email OTP ${enabled ? 'on' : 'off'}`,
          `  include: ${includeTargets.join(', ') || '-'}`,
          `  exclude: ${excludeTargets.join(', ') || '-'}`,
        ]);
      },
    },
  },
};
