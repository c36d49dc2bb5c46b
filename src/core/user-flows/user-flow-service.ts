import { assertThat } from '../errors.ts';
import type { TenantId, UserFlowId } from '../ids.ts';
import type { CoreDeps } from '../ports.ts';
import type { CustomAttribute, SignInMethod, UserFlow } from './user-flow.ts';

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
    assertThat(input.methods.length > 0, 'invalid_input', 'A user flow needs at least one sign-in method.');
    const ssprEnabled = input.ssprEnabled ?? input.methods.includes('email_password');
    assertThat(!ssprEnabled || input.methods.includes('email_password'), 'invalid_input', 'Password reset needs the Email with password method.');
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
