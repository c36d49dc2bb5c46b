import { DomainError } from '../errors.ts';
import type { FlowId, TenantId } from '../ids.ts';
import type { FlowStore } from '../ports.ts';
import type { Flow, FlowKind } from './flow-record.ts';

export type { Flow, FlowKind } from './flow-record.ts';

/** Throws unless the flow is live, of the expected kind and in the expected state. */
export function expectState<S extends string>(flow: Flow, kind: FlowKind, state: S, now: number): asserts flow is Flow<S> {
  if (flow.kind !== kind) throw new DomainError('flow_state_mismatch');
  if (flow.expiresAt <= now) throw new DomainError('flow_expired');
  if (flow.state !== state) throw new DomainError('flow_state_mismatch');
}

/** What every hosted-page journey keeps: the OIDC interaction it belongs to and its CSRF token. */
export interface JourneyData extends Record<string, unknown> {
  interactionUid: string;
  csrf: string;
}

/**
 * Applies one transition: writes the next version only if nobody else advanced the flow since it
 * was read, so a double submit cannot apply twice.
 */
export async function advance<F extends Flow>(flows: FlowStore, flow: F, changes: Partial<Pick<F, 'state' | 'data'>>): Promise<F> {
  const next = { ...flow, ...changes, version: flow.version + 1 };
  if (!(await flows.update(next))) throw new DomainError('flow_state_mismatch');
  return next;
}

/** Loads a live flow of this kind, tenant and interaction, or fails with flow_not_found/flow_expired. */
export async function loadJourney<F extends Flow<string, JourneyData>>(
  flows: FlowStore,
  now: number,
  kind: FlowKind,
  tenantId: TenantId,
  flowId: string,
  interactionUid: string,
): Promise<F> {
  const flow = await flows.find(flowId as FlowId);
  if (!flow || flow.tenantId !== tenantId || flow.kind !== kind || flow.data.interactionUid !== interactionUid) {
    throw new DomainError('flow_not_found');
  }
  if (flow.expiresAt <= now) throw new DomainError('flow_expired');
  return flow as F;
}
