import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_ARGON2, createArgon2Hasher } from '../../src/passwords/argon2-hasher.ts';

/** Cheap parameters for the tests that do not check the defaults (one default hash costs ~50 ms). */
const cheap = () => createArgon2Hasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 });
const PHC = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

describe('Argon2 password hasher', () => {
  it('defaults to OWASP’s argon2id baseline: m=19456 KiB, t=2, p=1', () => {
    assert.deepEqual(DEFAULT_ARGON2, { memoryCost: 19456, timeCost: 2, parallelism: 1 });
  });

  it('makes an argon2id PHC string with the default parameters, a 128-bit salt and a 256-bit tag', async () => {
    const hash = await createArgon2Hasher().hash('correct horse battery staple');
    const match = PHC.exec(hash);
    assert.ok(match, hash);
    const [, m, t, p, salt, tag] = match;
    assert.deepEqual([m, t, p], ['19456', '2', '1']);
    assert.ok(Buffer.from(salt as string, 'base64').length >= 16, 'salt of at least 16 bytes');
    assert.equal(Buffer.from(tag as string, 'base64').length, 32);
  });

  it('salts every hash: the same password twice gives two hashes', async () => {
    const hasher = cheap();
    assert.notEqual(await hasher.hash('same password'), await hasher.hash('same password'));
  });

  describe('verify', () => {
    it('is true for the password that was hashed', async () => {
      const hasher = cheap();
      assert.equal(await hasher.verify(await hasher.hash('correct horse'), 'correct horse'), true);
    });

    it('is false for any other password, even one character off or differently cased', async () => {
      const hasher = cheap();
      const hash = await hasher.hash('correct horse');
      for (const attempt of ['correct hors', 'correct horse ', 'Correct horse', '']) {
        assert.equal(await hasher.verify(hash, attempt), false, JSON.stringify(attempt));
      }
    });

    it('handles non-ASCII passwords by their UTF-8 bytes', async () => {
      const hasher = cheap();
      const hash = await hasher.hash('pässwörd 🔑 日本');
      assert.equal(await hasher.verify(hash, 'pässwörd 🔑 日本'), true);
      assert.equal(await hasher.verify(hash, 'passwörd 🔑 日本'), false);
    });

    it('reads the parameters from the hash, so hashes made with older parameters still verify', async () => {
      const old = await cheap().hash('correct horse');
      assert.equal(await createArgon2Hasher().verify(old, 'correct horse'), true);
    });

    const malformed: Array<[string, string]> = [
      ['an empty string', ''],
      ['plain text', 'not-a-hash'],
      ['a PHC string without salt and tag', '$argon2id$v=19$m=19456,t=2,p=1'],
      ['a PHC string with a broken tag', '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$!!!'],
      ['an unknown algorithm', '$scrypt$ln=15,r=8,p=1$c29tZXNhbHQ$aGFzaA'],
      ['a bcrypt hash', '$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy'],
    ];
    for (const [what, hash] of malformed) {
      it(`answers false, without throwing, for ${what}`, async () => {
        assert.equal(await cheap().verify(hash, 'password'), false);
      });
    }

    it('answers false for a truncated real hash', async () => {
      const hasher = cheap();
      const hash = await hasher.hash('password');
      assert.equal(await hasher.verify(hash.slice(0, -10), 'password'), false);
    });
  });

  describe('needsRehash', () => {
    it('is false for a hash made with the current parameters', async () => {
      const hasher = cheap();
      assert.equal(hasher.needsRehash(await hasher.hash('password')), false);
    });

    it('is true when memory, time or parallelism differ', async () => {
      const hash = await cheap().hash('password');
      for (const params of [
        { memoryCost: 2048, timeCost: 1, parallelism: 1 },
        { memoryCost: 1024, timeCost: 2, parallelism: 1 },
        { memoryCost: 1024, timeCost: 1, parallelism: 2 },
      ]) {
        assert.equal(createArgon2Hasher(params).needsRehash(hash), true, JSON.stringify(params));
      }
    });

    it('is true for a hash with the default parameters once the configuration is cheaper', () => {
      const defaultHash = '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g';
      assert.equal(cheap().needsRehash(defaultHash), true);
      assert.equal(createArgon2Hasher().needsRehash(defaultHash), false);
    });

    it('is true for another Argon2 variant with the same parameters', () => {
      assert.equal(createArgon2Hasher().needsRehash('$argon2i$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$aGFzaA'), true);
    });

    it('is true, without throwing, for a malformed or foreign hash', () => {
      const hasher = createArgon2Hasher();
      for (const hash of ['', 'not-a-hash', '$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy']) {
        assert.equal(hasher.needsRehash(hash), true, JSON.stringify(hash));
      }
    });
  });

  describe('concurrency cap', () => {
    it('queues calls beyond the cap and still answers every one of them correctly', async () => {
      const hasher = createArgon2Hasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 }, 1);
      const stored = await hasher.hash('right');
      const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => hasher.verify(stored, i % 2 ? 'right' : 'wrong')));
      assert.deepEqual(answers, [false, true, false, true, false, true]);
    });

    it('frees its slot when a verification fails, so a malformed hash never blocks the queue', async () => {
      const hasher = createArgon2Hasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 }, 1);
      const stored = await hasher.hash('right');
      assert.deepEqual(await Promise.all([hasher.verify('not-a-hash', 'x'), hasher.verify('not-a-hash', 'y'), hasher.verify(stored, 'right')]), [false, false, true]);
    });
  });
});
