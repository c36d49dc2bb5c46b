import type { SigningKey } from '../core/tenants/signing-key.ts';
import type { CommandGroup } from './command.ts';
import { isoTime, table } from './output.ts';

/** The JSON shape of a signing key: public facts only, never the (encrypted) private half. */
const keyJson = (k: SigningKey) => ({ kid: k.kid, alg: k.alg, status: k.status, createdAt: isoTime(k.createdAt), expiresAt: isoTime(k.expiresAt) });

const tenantOption = { type: 'string', value: 'TENANT', required: true, help: 'Name of the tenant.' } as const;

export const keysCommands: CommandGroup = {
  summary: "Rotate and list a tenant's token-signing keys.",
  subcommands: {
    rotate: {
      summary: 'Make a new active signing key; the old one is retired but still published for a day.',
      options: { tenant: tenantOption },
      notes: ['Tokens signed with the retired key stay verifiable until it expires. Running servers switch to the new key within a few seconds.'],
      async run({ args, out, withServices }) {
        const { key, tenantName } = await withServices(async (s) => {
          const tenant = await s.tenants.getByName(args.required('tenant'));
          return { key: await s.tenants.rotateKeys(tenant.id), tenantName: tenant.name };
        });
        out.result(keyJson(key), [`Rotated the signing key of tenant ${tenantName}`, `  new kid: ${key.kid}`]);
      },
    },
    list: {
      summary: 'List the published keys: the active one and retired ones not yet expired.',
      options: { tenant: tenantOption },
      async run({ args, out, withServices }) {
        const keys = await withServices(async (s) => s.tenants.liveKeys((await s.tenants.getByName(args.required('tenant'))).id));
        out.result(
          keys.map(keyJson),
          table(
            ['KID', 'STATUS', 'CREATED', 'EXPIRES'],
            keys.map((k) => [k.kid, k.status, isoTime(k.createdAt), isoTime(k.expiresAt) ?? '-']),
          ),
        );
      },
    },
  },
};
