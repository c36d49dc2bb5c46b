import { createHash } from 'node:crypto';
import { DomainError } from '../errors.ts';

/** JSON with object keys sorted, so two equal representations always hash alike. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * A strong entity tag of a resource's representation (RFC 9110 §8.8.3): it changes whenever
 * anything a client can read of the resource changes, and only then.
 */
export function etagOf(representation: unknown): string {
  return `"${createHash('sha256').update(canonical(representation), 'utf8').digest('base64url').slice(0, 27)}"`;
}

/**
 * Refuses a change unless the client proved which version it read: `If-Match` absent is
 * precondition_required; present but naming neither `*` nor the current tag is
 * precondition_failed. A stale write is therefore never a silent overwrite.
 */
export function assertIfMatch(ifMatch: string | undefined, current: string): void {
  if (ifMatch === undefined || ifMatch.trim() === '') throw new DomainError('precondition_required');
  const tags = ifMatch.split(',').map((t) => t.trim());
  if (tags.includes('*') || tags.includes(current)) return;
  throw new DomainError('precondition_failed');
}
