import { parseEmail } from '../core/users/email.ts';
import type { User } from '../core/users/user.ts';
import { type Args, type CommandContext, type CommandGroup, UsageError } from './command.ts';
import { isoTime, table } from './output.ts';

/** The JSON shape of a user, listed field by field: credentials are never part of it. */
const userJson = (u: Pick<User, 'id' | 'email' | 'displayName' | 'emailVerified' | 'enabled' | 'attributes' | 'createdAt'>) => ({
  id: u.id,
  email: u.email,
  displayName: u.displayName,
  emailVerified: u.emailVerified,
  enabled: u.enabled,
  attributes: u.attributes,
  createdAt: isoTime(u.createdAt),
});

const tenantOption = { type: 'string', value: 'TENANT', required: true, help: 'Name of the tenant.' } as const;

/** The service caps a page at 500 users; say so here rather than silently returning fewer. */
const MAX_LIMIT = 500;

async function passwordFrom(args: Args, readStdin: CommandContext['readStdin']): Promise<string | undefined> {
  const inline = args.string('password');
  if (!args.flag('password-stdin')) return inline;
  if (inline !== undefined) throw new UsageError('--password and --password-stdin exclude each other');
  // Only the line ending that `echo` or a here-string adds is dropped; other whitespace is part
  // of the password, which the policy checks as typed.
  const password = (await readStdin()).replace(/\r?\n$/, '');
  if (password === '') throw new UsageError('--password-stdin got nothing on standard input');
  return password;
}

function parseLimit(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new UsageError(`--limit must be a whole number from 1 to ${MAX_LIMIT}`);
  return limit;
}

export const userCommands: CommandGroup = {
  summary: 'Create and list the users (customer accounts) of a tenant.',
  subcommands: {
    create: {
      summary: 'Create a user, with a temporary password if one is given (the first sign-in replaces it).',
      options: {
        tenant: tenantOption,
        email: { type: 'string', value: 'EMAIL', required: true, help: 'Email address; unique within the tenant.' },
        password: { type: 'string', value: 'PASSWORD', help: 'Temporary password (visible in shell history; prefer --password-stdin).' },
        'password-stdin': { type: 'boolean', help: 'Read the temporary password from standard input.' },
        'display-name': { type: 'string', value: 'NAME', help: 'Display name (default: the part of the email before @).' },
      },
      notes: ['Example: printf %s "$PASSWORD" | latchkey user create --tenant acme --email ada@example.com --password-stdin'],
      async run({ args, out, withServices, readStdin }) {
        const password = await passwordFrom(args, readStdin);
        if (args.string('password') !== undefined) {
          out.note('note: a password given with --password may be kept in your shell history; prefer --password-stdin.');
        }
        // Through the admin resources, as the admin API does: a password an operator chose is
        // temporary (checklist C19, Entra's "require password change on first sign-in"), and the
        // creation is in the audit log with the CLI as actor.
        const user = await withServices(async (s) => {
          const tenant = await s.tenants.getByName(args.required('tenant'));
          const created = await s.resources.users.create(tenant.id, { email: args.required('email'), password, displayName: args.string('display-name') }, 'cli');
          return created.view;
        });
        out.result({ ...userJson(user), hasPassword: password !== undefined, passwordIsTemporary: password !== undefined }, [
          `Created user ${user.email} (${user.displayName})`,
          `  id:       ${user.id}`,
          `  password: ${password === undefined ? 'none (the user signs in with an emailed code or resets one)' : 'temporary: the first sign-in asks for a new one'}`,
        ]);
      },
    },
    list: {
      summary: 'List the users of a tenant, ordered by email.',
      options: {
        tenant: tenantOption,
        limit: { type: 'string', value: 'N', help: `At most N users, 1 to ${MAX_LIMIT} (default 50).` },
        after: { type: 'string', value: 'EMAIL', help: 'Start after this email address (the last one of the previous page).' },
      },
      async run({ args, out, withServices }) {
        const limit = parseLimit(args.string('limit'));
        const after = args.string('after');
        const afterEmail = after === undefined ? undefined : parseEmail(after).normalized;
        const users = await withServices(async (s) => {
          const tenant = await s.tenants.getByName(args.required('tenant'));
          return s.users.list(tenant.id, { limit, afterEmail });
        });
        out.result(
          users.map(userJson),
          users.length === 0
            ? ['No users.']
            : table(
                ['EMAIL', 'DISPLAY NAME', 'ID', 'VERIFIED', 'ENABLED', 'CREATED'],
                users.map((u) => [u.email, u.displayName, u.id, u.emailVerified ? 'yes' : 'no', u.enabled ? 'yes' : 'no', isoTime(u.createdAt)]),
              ),
        );
      },
    },
  },
};
