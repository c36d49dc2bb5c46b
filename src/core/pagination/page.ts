import { DomainError } from '../errors.ts';

/** One page of a list: the items and an opaque cursor for the next page (null on the last). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** The page size a client asked for, within 1…200 (50 when it asked for none). */
export const pageSize = (limit: number | undefined): number => Math.min(Math.max(Math.trunc(limit ?? DEFAULT_PAGE_SIZE), 1), MAX_PAGE_SIZE);

/**
 * Cursors are the sort key of the last item seen, base64url-encoded so clients treat them as
 * opaque. A cursor that does not decode to a list of strings and numbers is invalid_cursor.
 */
export function encodeCursor(key: ReadonlyArray<string | number>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/**
 * A part of a sort key as this code makes them: text without NUL, or a whole number of
 * milliseconds. A forged cursor goes into SQL comparisons, where anything else fails in the
 * database (PostgreSQL cannot hold a NUL in text, nor 1.5 or 1e308 in a bigint) instead of
 * being refused here.
 */
const isKeyPart = (part: unknown): part is string | number =>
  (typeof part === 'string' && !part.includes('\u0000')) || (typeof part === 'number' && Number.isSafeInteger(part));

export function decodeCursor(cursor: string | undefined): Array<string | number> | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length > 0 && key.every(isKeyPart)) return key;
  } catch {
    // Falls through to the one error below.
  }
  throw new DomainError('invalid_cursor');
}

/**
 * Builds a page from `limit + 1` rows fetched in sort order: the extra row only tells that a
 * next page exists; the cursor is the key of the last row returned.
 */
export function toPage<T>(rows: T[], limit: number, keyOf: (item: T) => ReadonlyArray<string | number>): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null };
}
