import { assertThat } from '../errors.ts';
import type { TenantId, UserFlowId } from '../ids.ts';
import type { CoreDeps } from '../ports.ts';
import type { CustomAttribute, SignInMethod, UserFlow } from './user-flow.ts';
import { checkFlowShape } from './user-flow-rules.ts';

export interface NewUserFlow {
  tenantId: TenantId;
  name: string;
  methods: SignInMethod[];
  attributes?: string[];
  customAttributes?: CustomAttribute[];
  ssprEnabled?: boolean;
}

export function createUserFlowService({ store, clock, random }: CoreDeps) {
  async function create(input: NewUserFlow): Promise<UserFlow> {
    const ssprEnabled = input.ssprEnabled ?? input.methods.includes('email_password');
    checkFlowShape(input.methods, ssprEnabled);
    assertThat(input.name.trim().length > 0, 'invalid_input', 'A user flow needs a name.');
    const flow: UserFlow = {
      id: random.id() as UserFlowId,
      tenantId: input.tenantId,
      name: input.name.trim(),
      methods: [...new Set(input.methods)],
      attributes: input.attributes ?? ['displayName'],
      customAttributes: input.customAttributes ?? [],
      ssprEnabled,
      createdAt: clock.now(),
    };
    await store.userFlows.insert(flow);
    return flow;
  }

  return { create, find: store.userFlows.findById, list: store.userFlows.list };
}

export type UserFlowService = ReturnType<typeof createUserFlowService>;
