import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainError, type ErrorCode } from '../errors.ts';
import { DEFAULT_PASSWORD_POLICY, type PasswordPolicy, checkNewPassword, normalizePassword } from './password-policy.ts';

const failsWith = (code: ErrorCode) => (error: unknown) => error instanceof DomainError && error.code === code;
/** The length rules alone, so these tests do not depend on what the blocklist holds. */
const lengthOnly: PasswordPolicy = { ...DEFAULT_PASSWORD_POLICY, blocklist: false };

describe('password policy', () => {
  it('defaults to Entra’s bounds: 8 to 256 characters, no composition rules', () => {
    assert.equal(DEFAULT_PASSWORD_POLICY.minLength, 8);
    assert.equal(DEFAULT_PASSWORD_POLICY.maxLength, 256);
    assert.equal(DEFAULT_PASSWORD_POLICY.requireCharacterClasses, false);
  });

  describe('NFKC normalisation', () => {
    it('maps full-width characters to their plain forms', () => {
      assert.equal(normalizePassword('ｃｏｒｒｅｃｔ－ｈｏｒｓｅ'), 'correct-horse');
    });

    it('maps ligatures and compatibility digits', () => {
      assert.equal(normalizePassword('ﬁre-ﬂy-①②'), 'fire-fly-12');
    });

    it('composes a decomposed accent, so both keyboards give the same password', () => {
      assert.equal(normalizePassword('cafe\u0301-au-lait'), normalizePassword('caf\u00e9-au-lait'));
    });

    it('returns the normalised password from checkNewPassword too (that is what gets hashed)', () => {
      assert.equal(checkNewPassword('ｃｏｒｒｅｃｔ－ｈｏｒｓｅ', lengthOnly), 'correct-horse');
    });
  });

  describe('length', () => {
    it('refuses 7 characters with password_too_short', () => {
      assert.throws(() => normalizePassword('a'.repeat(7)), failsWith('password_too_short'));
    });

    it('accepts exactly 8 and exactly 256 characters', () => {
      assert.equal(normalizePassword('a'.repeat(8)), 'a'.repeat(8));
      assert.equal(normalizePassword('a'.repeat(256)).length, 256);
    });

    it('refuses 257 characters with password_too_long', () => {
      assert.throws(() => normalizePassword('a'.repeat(257)), failsWith('password_too_long'));
    });

    it('counts an emoji as one character, not two UTF-16 units', () => {
      const sevenEmoji = '🔑'.repeat(7);
      assert.equal(sevenEmoji.length, 14);
      assert.throws(() => normalizePassword(sevenEmoji), failsWith('password_too_short'));
      assert.doesNotThrow(() => normalizePassword('🔑'.repeat(8)));
    });

    it('allows 256 emoji (512 UTF-16 units) and refuses 257', () => {
      assert.doesNotThrow(() => normalizePassword('🔑'.repeat(256)));
      assert.throws(() => normalizePassword('🔑'.repeat(257)), failsWith('password_too_long'));
    });

    it('counts a combining mark that composes (e + acute) as one character', () => {
      const decomposed = 'e\u0301'.repeat(7); // 14 code points typed, 7 after NFKC
      assert.throws(() => normalizePassword(decomposed), failsWith('password_too_short'));
    });

    it('counts a combining mark that has no composed form as its own code point', () => {
      const q = 'q\u0301'.repeat(4); // no precomposed q-acute exists: 8 code points
      assert.equal(normalizePassword(q), q);
    });

    it('measures after NFKC, so a ligature can make a password long enough', () => {
      assert.throws(() => normalizePassword('abcdef'), failsWith('password_too_short'));
      assert.equal(normalizePassword('abcdeﬃ'), 'abcdeffi'); // 6 typed, 8 after normalisation
    });

    it('honours a tenant’s stricter minimum', () => {
      const policy: PasswordPolicy = { ...lengthOnly, minLength: 12 };
      assert.throws(() => checkNewPassword('a'.repeat(11), policy), failsWith('password_too_short'));
      assert.doesNotThrow(() => checkNewPassword('a'.repeat(12), policy));
    });

    it('names the bound in the message', () => {
      assert.throws(() => normalizePassword('short'), { message: 'Use at least 8 characters.' });
      assert.throws(() => normalizePassword('a'.repeat(300)), { message: 'Use at most 256 characters.' });
    });
  });

  describe('character classes (Entra parity, off by default)', () => {
    const strict: PasswordPolicy = { ...lengthOnly, requireCharacterClasses: true };

    it('refuses fewer than three classes with password_too_simple', () => {
      assert.throws(() => checkNewPassword('alllowercase1', strict), failsWith('password_too_simple'));
    });

    it('accepts three of lower, upper, digits, symbols', () => {
      assert.doesNotThrow(() => checkNewPassword('Lower-and-UPPER', strict));
      assert.doesNotThrow(() => checkNewPassword('lower 1234 !!', strict));
    });

    it('is not applied when the policy leaves it off', () => {
      assert.doesNotThrow(() => checkNewPassword('alllowercase', lengthOnly));
    });
  });
});
