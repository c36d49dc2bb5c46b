import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { createSealer } from './sealer.ts';

describe('sealer', () => {
  const secret = randomBytes(32);

  it('opens what it sealed, and the sealed form does not contain the secret', () => {
    const sealer = createSealer(secret, 'outbox-seal');
    const sealed = sealer.seal('61951231');
    assert.equal(sealer.open(sealed), '61951231');
    assert.ok(!sealed.includes('61951231'));
    assert.notEqual(sealer.seal('61951231'), sealed, 'a fresh IV each time');
  });

  it('refuses a value altered, or sealed under another secret or purpose', () => {
    const sealer = createSealer(secret, 'outbox-seal');
    const sealed = sealer.seal('12345678');
    const flipped = Buffer.from(sealed, 'base64url');
    flipped[flipped.length - 1] = (flipped.at(-1) ?? 0) ^ 1;
    assert.throws(() => sealer.open(flipped.toString('base64url')));
    assert.throws(() => createSealer(randomBytes(32), 'outbox-seal').open(sealed));
    assert.throws(() => createSealer(secret, 'other').open(sealed));
  });
});
