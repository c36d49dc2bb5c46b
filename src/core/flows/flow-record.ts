import type { FlowId, TenantId } from '../ids.ts';

export type FlowKind = 'sign_in' | 'sign_up' | 'password_reset' | 'passcode_sign_in';

/** One journey in progress, persisted so a restart or another node can continue it. */
export interface Flow<State extends string = string, Data = Record<string, unknown>> {
  id: FlowId;
  tenantId: TenantId;
  kind: FlowKind;
  state: State;
  data: Data;
  /** Optimistic-concurrency counter: a transition applies only to the version it read. */
  version: number;
  expiresAt: number;
  createdAt: number;
}
