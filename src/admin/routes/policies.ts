import type { FastifyInstance } from 'fastify';
import type { PolicyName } from '../../core/policies/policy-admin.ts';
import type { TenantPolicies } from '../../core/policies/tenant-policies.ts';
import { errorBody, ifMatchOf, params, principalActor, type ResourceOptions, strictObject, tagged, tenantOf, tenantRead, tenantWrite } from './route-kit.ts';

const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;
const int = (minimum: number, maximum: number, description: string) => ({ type: 'integer', minimum, maximum, description });
const target = { type: 'string', minLength: 1, maxLength: 64 };

/** Each policy: its path, and every field with its bounds (a PUT gives them all). */
const POLICIES: Array<{ path: string; name: PolicyName; title: string; fields: Record<string, Record<string, unknown>> }> = [
  {
    path: 'auth-methods',
    name: 'authMethods',
    title: 'authentication methods policy (Email OTP and its targets)',
    fields: {
      emailOtp: strictObject(
        {
          enabled: { type: 'boolean' },
          includeTargets: { type: 'array', items: target, maxItems: 50, uniqueItems: true, description: '"all_users", or group ids.' },
          excludeTargets: { type: 'array', items: target, maxItems: 50, uniqueItems: true, description: 'Group ids; exclusion wins over inclusion.' },
        },
        ['enabled', 'includeTargets', 'excludeTargets'],
      ),
    },
  },
  {
    path: 'password',
    name: 'password',
    title: 'password policy',
    fields: {
      minLength: int(8, 256, 'Minimum length in characters (8 or more).'),
      maxLength: int(8, 256, 'Maximum length in characters (at most 256).'),
      blocklist: { type: 'boolean', description: 'Refuse common, breached and context-derived passwords.' },
      requireCharacterClasses: { type: 'boolean', description: 'Require 3 of 4 character kinds (lower, upper, digits, symbols).' },
    },
  },
  {
    path: 'passcode',
    name: 'passcode',
    title: 'passcode policy (emailed one-time codes)',
    fields: {
      length: int(6, 10, 'Digits per code.'),
      lifetimeMs: int(MINUTE, HOUR, 'How long a code is valid.'),
      maxAttempts: int(1, 10, 'Wrong codes per flow before it must restart.'),
      maxSends: int(1, 10, 'Codes sent per flow, the first included.'),
      resendCooldownMs: int(0, 10 * MINUTE, 'Minimum time between two sends.'),
      notifyUnknownResetAttempts: { type: 'boolean', description: 'Mail an "attempted reset" notice to addresses without an account.' },
    },
  },
  {
    path: 'lockout',
    name: 'lockout',
    title: 'lockout policy',
    fields: {
      threshold: int(1, 100, 'Consecutive failures that lock the account.'),
      durationMs: int(1000, 24 * HOUR, 'The first lock.'),
      growthFactor: { type: 'number', minimum: 1, maximum: 10, description: 'Each further lock within a day lasts this many times longer.' },
      maxDurationMs: int(1000, 24 * HOUR, 'The longest lock.'),
    },
  },
];

/** The tenant's policies, one resource each, read and replaced whole (PUT with If-Match). */
export async function policyRoutes(app: FastifyInstance, { services }: ResourceOptions): Promise<void> {
  const policies = services.resources.policies;
  for (const policy of POLICIES) {
    const tags = ['policies'];
    const body = strictObject(policy.fields, Object.keys(policy.fields));
    const url = `/tenants/:tenant/policies/${policy.path}`;
    app.get(
      url,
      { config: tenantRead, schema: { summary: `Read the ${policy.title}`, tags, params: params(), response: { 200: body } } },
      async (request, reply) => {
        const tenant = await tenantOf(services, request);
        return tagged(reply, await policies.get(tenant.id, policy.name));
      },
    );
    app.put(
      url,
      {
        config: tenantWrite,
        schema: {
          summary: `Replace the ${policy.title} (If-Match required)`,
          tags,
          params: params(),
          body,
          response: { 200: body, 400: errorBody, 412: errorBody, 422: errorBody, 428: errorBody },
        },
      },
      async (request, reply) => {
        const tenant = await tenantOf(services, request);
        const value = request.body as TenantPolicies[typeof policy.name];
        return tagged(reply, await policies.replace(tenant.id, policy.name, value, ifMatchOf(request), principalActor(request)));
      },
    );
  }
}
