import { createHash, randomBytes } from 'node:crypto';
import { ADMIN_TENANT, CONSOLE_CLIENT_ID, consoleRedirectUris } from '../core/admin/admin-directory.ts';
import type { GrantInput } from '../core/admin/admin-service.ts';
import { ADMIN_ROLES, type RoleGrant } from '../core/admin/roles.ts';
import { type Args, type CommandContext, type CommandGroup, UsageError } from './command.ts';
import { isoTime, table } from './output.ts';

const roleHelp = `One of ${ADMIN_ROLES.join(', ')}.`;
const tenantOption = { type: 'string', value: 'TENANT', multiple: true, help: 'A tenant the role covers (tenant_admin needs one; auditor without any covers every tenant).' } as const;

function grantFrom(args: Args, fallback?: string): GrantInput {
  const role = args.string('role') ?? fallback;
  if (role === undefined) throw new UsageError('missing --role');
  return { role, tenants: args.list('tenant') };
}

const rolesText = (grants: readonly RoleGrant[]) =>
  grants.length === 0 ? 'none' : grants.map((g) => `${g.role}${g.tenants === 'all' ? '' : ` of ${g.tenants.join(', ')}`}`).join('; ');

/** The sign-in page of the admin directory: an authorization request of the console app. */
function signInUrl(baseUrl: string): string {
  const url = new URL(`${baseUrl}/${ADMIN_TENANT}/oauth2/v2.0/authorize`);
  const verifier = randomBytes(32).toString('base64url');
  url.search = new URLSearchParams({
    client_id: CONSOLE_CLIENT_ID,
    response_type: 'code',
    scope: 'openid profile email',
    redirect_uri: consoleRedirectUris(baseUrl)[0] ?? '',
    state: randomBytes(8).toString('base64url'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  return url.href;
}

async function passwordFromStdin(args: Args, readStdin: CommandContext['readStdin']): Promise<string | undefined> {
  if (!args.flag('password-stdin')) return undefined;
  const password = (await readStdin()).replace(/\r?\n$/, '');
  if (password === '') throw new UsageError('--password-stdin got nothing on standard input');
  return password;
}

const apikeyCommands: CommandGroup = {
  summary: 'API keys for automation: create (the secret is shown once), list, revoke.',
  subcommands: {
    create: {
      summary: 'Create an API key with one role; prints its secret once.',
      options: {
        name: { type: 'string', value: 'NAME', required: true, help: 'What the key is for (shown in lists and the audit log).' },
        role: { type: 'string', value: 'ROLE', required: true, help: roleHelp },
        tenant: tenantOption,
      },
      notes: ['Example: latchkey admin apikey create --name ci-deploy --role tenant_admin --tenant contoso'],
      async run({ args, out, withServices }) {
        const created = await withServices((s) => s.admin.createApiKey({ name: args.required('name'), grants: [grantFrom(args)] }, 'cli'));
        out.result({ id: created.key.id, name: created.key.name, prefix: created.key.prefix, roles: created.grants, secret: created.secret }, [
          `Created API key ${created.key.name} (${created.key.id})`,
          `  roles:  ${rolesText(created.grants)}`,
          `  secret: ${created.secret}`,
          'Store the secret now: it is shown this once and cannot be recovered. Send it as "Authorization: Bearer <secret>".',
        ]);
      },
    },
    list: {
      summary: 'List API keys (never their secrets).',
      async run({ out, withServices }) {
        const keys = await withServices((s) => s.admin.listApiKeys());
        const json = keys.map((k) => ({ id: k.id, name: k.name, prefix: k.prefix, roles: k.roles, createdAt: isoTime(k.createdAt), lastUsedAt: isoTime(k.lastUsedAt), revokedAt: isoTime(k.revokedAt) }));
        out.result(
          json,
          keys.length === 0
            ? ['No API keys.']
            : table(
                ['ID', 'NAME', 'ROLES', 'LAST USED', 'REVOKED'],
                json.map((k) => [k.id, k.name, rolesText(k.roles), k.lastUsedAt ?? '-', k.revokedAt ?? '-']),
              ),
        );
      },
    },
    revoke: {
      summary: 'Revoke an API key at once.',
      positionals: ['id'],
      async run({ args, out, withServices }) {
        const id = args.positional('id');
        await withServices((s) => s.admin.revokeApiKey(id, 'cli'));
        out.result({ id, revoked: true }, [`Revoked API key ${id}.`]);
      },
    },
  },
};

export const adminCommands: CommandGroup = {
  summary: "Latchkey's administrators (users of the admin directory), their roles, and API keys.",
  subcommands: {
    create: {
      summary: 'Create an administrator (global administrator unless --role says otherwise).',
      options: {
        email: { type: 'string', value: 'EMAIL', required: true, help: 'The administrator\'s email address; it signs in with it.' },
        role: { type: 'string', value: 'ROLE', help: `${roleHelp} Default: global_admin.` },
        tenant: tenantOption,
        'password-stdin': { type: 'boolean', help: 'Read the password from standard input; without it, the administrator sets one through "Forgot password?".' },
        'display-name': { type: 'string', value: 'NAME', help: 'Display name (default: the part of the email before @).' },
      },
      notes: [
        'There is no default administrator and no default password. Without --password-stdin this prints the sign-in link of the admin directory: the administrator enters their email there and chooses "Forgot password?" to set a password with an emailed code (mail must reach them: SMTP, or the dev mailbox in development).',
      ],
      async run({ args, out, withServices, readStdin }) {
        const password = await passwordFromStdin(args, readStdin);
        const { created, link } = await withServices(async (s, config) => ({
          created: await s.admin.createAdmin({ email: args.required('email'), password, displayName: args.string('display-name'), grants: [grantFrom(args, 'global_admin')] }, 'cli'),
          link: signInUrl(config.baseUrl),
        }));
        out.result(
          { id: created.admin.id, email: created.admin.email, roles: created.grants, hasPassword: password !== undefined, ...(password === undefined ? { setupUrl: link } : {}) },
          [
            `Created administrator ${created.admin.email}`,
            `  id:    ${created.admin.id}`,
            `  roles: ${rolesText(created.grants)}`,
            ...(password === undefined
              ? ['To set a password, open this sign-in link, enter the email address and choose "Forgot password?":', `  ${link}`]
              : ['  password: set']),
          ],
        );
      },
    },
    list: {
      summary: 'List administrators and their roles.',
      async run({ out, withServices }) {
        const admins = await withServices((s) => s.admin.listAdmins());
        const json = admins.map(({ admin, grants }) => ({ id: admin.id, email: admin.email, enabled: admin.enabled, roles: grants }));
        out.result(json, admins.length === 0 ? ['No administrators. Create one with: latchkey admin create --email <email>'] : table(['EMAIL', 'ID', 'ROLES'], json.map((a) => [a.email, a.id, rolesText(a.roles)])));
      },
    },
    grant: {
      summary: 'Grant a role to an administrator (applies to their next call).',
      options: { email: { type: 'string', value: 'EMAIL', required: true, help: 'The administrator.' }, role: { type: 'string', value: 'ROLE', required: true, help: roleHelp }, tenant: tenantOption },
      async run({ args, out, withServices }) {
        const roles = await withServices(async (s) => s.admin.grant((await s.admin.findAdmin(args.required('email'))).id, grantFrom(args), 'cli'));
        out.result({ email: args.required('email'), roles }, [`Roles of ${args.required('email')}: ${rolesText(roles)}`]);
      },
    },
    revoke: {
      summary: 'Revoke a role from an administrator (applies to their next call).',
      options: { email: { type: 'string', value: 'EMAIL', required: true, help: 'The administrator.' }, role: { type: 'string', value: 'ROLE', required: true, help: roleHelp }, tenant: tenantOption },
      async run({ args, out, withServices }) {
        const roles = await withServices(async (s) => s.admin.revoke((await s.admin.findAdmin(args.required('email'))).id, grantFrom(args), 'cli'));
        out.result({ email: args.required('email'), roles }, [`Roles of ${args.required('email')}: ${rolesText(roles)}`]);
      },
    },
    apikey: apikeyCommands,
  },
};
