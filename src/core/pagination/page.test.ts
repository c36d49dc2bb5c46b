import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainError } from '../errors.ts';
import { decodeCursor, encodeCursor, pageSize, toPage } from './page.ts';

describe('pages', () => {
  it('size: 50 by default, within 1…200', () => {
    assert.deepEqual([pageSize(undefined), pageSize(0), pageSize(7), pageSize(500)], [50, 1, 7, 200]);
  });

  it('cursors round-trip and a forged one is invalid_cursor', () => {
    assert.deepEqual(decodeCursor(encodeCursor(['ann@example.com', 3])), ['ann@example.com', 3]);
    assert.equal(decodeCursor(undefined), undefined);
    // Keys no list makes, which SQL comparisons cannot take on PostgreSQL: NUL in text, fractions and numbers beyond bigint.
    const forged = [['a\u0000'], [1.5, 'x'], [1e308, 'x'], [2 ** 63, 'x']].map((key) => encodeCursor(key));
    for (const bad of ['!!', encodeCursor([]), Buffer.from('{"a":1}').toString('base64url'), Buffer.from('[{}]').toString('base64url'), ...forged]) {
      assert.throws(
        () => decodeCursor(bad),
        (e: unknown) => e instanceof DomainError && e.code === 'invalid_cursor',
      );
    }
  });

  it('a next cursor only when a row beyond the page was fetched', () => {
    assert.deepEqual(
      toPage([1, 2, 3], 2, (n) => [n]),
      { items: [1, 2], nextCursor: encodeCursor([2]) },
    );
    assert.deepEqual(
      toPage([1, 2], 2, (n) => [n]),
      { items: [1, 2], nextCursor: null },
    );
  });
});
