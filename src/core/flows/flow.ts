import { DomainError } from '../errors.ts';
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

/** Throws unless the flow is live, of the expected kind and in the expected state. */
export function expectState<S extends string>(flow: Flow, kind: FlowKind, state: S, now: number): asserts flow is Flow<S> {
  if (flow.kind !== kind) throw new DomainError('flow_state_mismatch');
  if (flow.expiresAt <= now) throw new DomainError('flow_expired');
  if (flow.state !== state) throw new DomainError('flow_state_mismatch');
}
