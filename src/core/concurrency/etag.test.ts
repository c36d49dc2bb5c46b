import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainError, type ErrorCode } from '../errors.ts';
import { assertIfMatch, etagOf } from './etag.ts';

const failsWith = (code: ErrorCode) => (error: unknown) => error instanceof DomainError && error.code === code;

describe('ETags', () => {
  it('are equal for equal representations, whatever the key order, and differ otherwise', () => {
    assert.equal(etagOf({ a: 1, b: [1, { c: 'x', d: null }] }), etagOf({ b: [1, { d: null, c: 'x' }], a: 1 }));
    assert.notEqual(etagOf({ a: 1 }), etagOf({ a: 2 }));
    assert.notEqual(etagOf([1, 2]), etagOf([2, 1]));
    assert.match(etagOf({}), /^"[A-Za-z0-9_-]{27}"$/);
  });

  it('If-Match: the current tag, one of a list, or * passes; a stale one is precondition_failed; none is precondition_required', () => {
    const tag = etagOf({ a: 1 });
    assertIfMatch(tag, tag);
    assertIfMatch(`"old", ${tag}`, tag);
    assertIfMatch('*', tag);
    assert.throws(() => assertIfMatch(etagOf({ a: 0 }), tag), failsWith('precondition_failed'));
    assert.throws(() => assertIfMatch(`W/${tag}`, tag), failsWith('precondition_failed'), 'a weak tag never matches strongly');
    assert.throws(() => assertIfMatch(undefined, tag), failsWith('precondition_required'));
    assert.throws(() => assertIfMatch(' ', tag), failsWith('precondition_required'));
  });
});
