import type { App } from '../core/apps/app.ts';
import { type CommandGroup, UsageError } from './command.ts';
import { isoTime, table } from './output.ts';

/**
 * The JSON shape of an app, listed field by field: the secret hash is never printed (it is not
 * the secret, but there is no reason to hand it to anyone).
 */
const appJson = (app: App, tenantName: string) => ({
  clientId: app.id,
  tenant: tenantName,
  name: app.name,
  type: app.type,
  redirectUris: app.redirectUris,
  postLogoutRedirectUris: app.postLogoutRedirectUris,
  userFlowId: app.userFlowId,
  createdAt: isoTime(app.createdAt),
});

const tenantOption = { type: 'string', value: 'TENANT', required: true, help: 'Name of the tenant.' } as const;

export const appCommands: CommandGroup = {
  summary: 'Register and list apps (OpenID Connect clients) of a tenant.',
  subcommands: {
    create: {
      summary: 'Register an app; prints its client_id (and, for a confidential app, its secret, once).',
      options: {
        tenant: tenantOption,
        name: { type: 'string', value: 'NAME', required: true, help: 'Name of the app, shown to admins.' },
        'redirect-uri': { type: 'string', value: 'URI', multiple: true, required: true, help: 'Where sign-in may return to: https, or http on localhost.' },
        'post-logout-redirect-uri': { type: 'string', value: 'URI', multiple: true, help: 'Where sign-out may return to.' },
        public: { type: 'boolean', help: 'A browser or native app that cannot keep a secret; uses PKCE (default).' },
        confidential: { type: 'boolean', help: 'A server-side app that authenticates with a client secret.' },
      },
      async run({ args, out, withServices }) {
        if (args.flag('public') && args.flag('confidential')) throw new UsageError('--public and --confidential exclude each other');
        const type = args.flag('confidential') ? 'confidential' : 'public';
        const { app, clientSecret, tenantName } = await withServices(async (s) => {
          const tenant = await s.tenants.getByName(args.required('tenant'));
          const created = await s.apps.create({
            tenantId: tenant.id,
            name: args.required('name'),
            type,
            redirectUris: args.list('redirect-uri'),
            postLogoutRedirectUris: args.list('post-logout-redirect-uri'),
          });
          return { ...created, tenantName: tenant.name };
        });
        const human = [`Created ${app.type} app "${app.name}" in tenant ${tenantName}`, `  client_id:     ${app.id}`];
        if (clientSecret !== null) {
          human.push(`  client_secret: ${clientSecret}`, '', 'The client secret will not be shown again: store it now (only its hash is kept).');
        }
        out.result({ ...appJson(app, tenantName), ...(clientSecret === null ? {} : { clientSecret }) }, human);
      },
    },
    list: {
      summary: 'List the apps of a tenant (client secrets are never shown).',
      options: { tenant: tenantOption },
      async run({ args, out, withServices }) {
        const { apps, tenantName } = await withServices(async (s) => {
          const tenant = await s.tenants.getByName(args.required('tenant'));
          return { apps: await s.apps.list(tenant.id), tenantName: tenant.name };
        });
        out.result(
          apps.map((app) => appJson(app, tenantName)),
          apps.length === 0
            ? [`Tenant ${tenantName} has no apps yet.`]
            : table(
                ['CLIENT_ID', 'NAME', 'TYPE', 'CREATED', 'REDIRECT URIS'],
                apps.map((app) => [app.id, app.name, app.type, isoTime(app.createdAt), app.redirectUris.join(' ')]),
              ),
        );
      },
    },
  },
};
