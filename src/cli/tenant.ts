import type { Tenant } from '../core/tenants/tenant.ts';
import type { CommandGroup } from './command.ts';
import { isoTime, table } from './output.ts';

/** The JSON shape of a tenant: listed field by field, so a new internal field never leaks by default. */
const tenantJson = (t: Tenant) => ({ id: t.id, name: t.name, displayName: t.displayName, createdAt: isoTime(t.createdAt) });

export const tenantCommands: CommandGroup = {
  summary: 'Create and list tenants (customer directories).',
  subcommands: {
    create: {
      summary: 'Create a tenant, with a fresh signing key.',
      positionals: ['name'],
      options: {
        'display-name': { type: 'string', value: 'NAME', help: 'Name shown to users (default: the tenant name).' },
      },
      notes: ['<name> is 2 to 40 lowercase letters, digits or hyphens, starting with a letter; it is the URL prefix /<name> and never changes.'],
      async run({ args, out, withServices }) {
        const tenant = await withServices((s) => s.tenants.create(args.positional('name'), args.string('display-name')));
        out.result(tenantJson(tenant), [`Created tenant ${tenant.name} (${tenant.displayName})`, `  id: ${tenant.id}`]);
      },
    },
    list: {
      summary: 'List all tenants.',
      async run({ out, withServices }) {
        const tenants = await withServices((s) => s.tenants.list());
        out.result(
          tenants.map(tenantJson),
          tenants.length === 0
            ? ['No tenants yet. Create one with: latchkey tenant create <name>']
            : table(
                ['NAME', 'DISPLAY NAME', 'ID', 'CREATED'],
                tenants.map((t) => [t.name, t.displayName, t.id, isoTime(t.createdAt)]),
              ),
        );
      },
    },
  },
};
