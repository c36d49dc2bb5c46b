import type { FastifyInstance } from 'fastify';
import { appRoutes } from './apps.ts';
import { brandingRoutes } from './branding.ts';
import { customAttributeRoutes } from './custom-attributes.ts';
import { groupRoutes } from './groups.ts';
import { logRoutes } from './logs.ts';
import { policyRoutes } from './policies.ts';
import type { ResourceOptions } from './route-kit.ts';
import { tenantRoutes } from './tenants.ts';
import { userFlowRoutes } from './user-flows.ts';
import { userRoutes } from './users.ts';

/** The admin API's resource routes (tenants, apps, users…), registered under /admin/v1. */
export async function resourceRoutes(app: FastifyInstance, opts: ResourceOptions): Promise<void> {
  await app.register(tenantRoutes, opts);
  await app.register(userFlowRoutes, opts);
  await app.register(customAttributeRoutes, opts);
  await app.register(policyRoutes, opts);
  await app.register(groupRoutes, opts);
  await app.register(userRoutes, opts);
  await app.register(appRoutes, opts);
  await app.register(logRoutes, opts);
  await app.register(brandingRoutes, opts);
}
