import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COMMON_PASSWORDS } from './common-passwords.ts';
import { isBlockedPassword } from './password-blocklist.ts';

const blocked = (password: string, context = {}) => assert.equal(isBlockedPassword(password, context), true, `${password} should be blocked`);
const allowed = (password: string, context = {}) => assert.equal(isBlockedPassword(password, context), false, `${password} should be allowed`);

describe('password blocklist', () => {
  describe('common and breached passwords', () => {
    it('blocks the classics', () => {
      for (const password of ['password', 'Password1', 'qwertyuiop', 'iloveyou', '12345678', 'sunshine', 'trustno1']) blocked(password);
    });

    it('blocks them in any case and in NFKC-equivalent forms', () => {
      for (const password of ['PASSWORD', 'PaSsWoRd', 'Ｐａｓｓｗｏｒｄ１', 'ＩＬＯＶＥＹＯＵ', '①②③④⑤⑥⑦⑧']) blocked(password);
    });

    it('blocks a listed password with digits or symbols added at either end', () => {
      for (const password of ['Football2024!', '!!sunshine', '2024princess']) blocked(password);
    });

    it('lets through passphrases and random passwords', () => {
      for (const password of ['correct horse battery staple', 'Tw3nty-Gl4ss-Ferns', 'vK9#pQ2$mL7!', 'otter piano lantern']) allowed(password);
    });

    it('ships a bounded list: 10,000 entries of at least 8 characters, already folded', () => {
      const entries = COMMON_PASSWORDS.split('\n');
      assert.equal(entries.length, 10_000);
      assert.equal(new Set(entries).size, entries.length);
      for (const entry of entries) {
        assert.ok([...entry].length >= 8, entry);
        assert.equal(entry, entry.normalize('NFKC').toLowerCase(), entry);
      }
    });
  });

  describe('trivial passwords', () => {
    it('blocks repetitions', () => {
      for (const password of ['aaaaaaaa', 'ZZZZZZZZZZ', 'abcabcabc', '12341234', 'xyxyxyxy']) blocked(password);
    });

    it('blocks ascending and descending sequences, digits wrapping', () => {
      for (const password of ['abcdefgh', 'HGFEDCBA', '12345678', '87654321', '567890123', 'lmnopqrstu']) blocked(password);
    });

    it('blocks keyboard runs, forwards and backwards', () => {
      for (const password of ['asdfghjkl', 'poiuytrewq', 'qwertzuiop', 'azertyuiop', 'lkjhgfdsa']) blocked(password);
    });

    it('does not mistake near-sequences for sequences', () => {
      for (const password of ['abcdefgz', 'mnopq-rain-7', 'qwertyxx9Q']) allowed(password);
    });
  });

  describe('context-specific words', () => {
    const context = { email: 'Jane.Doe+news@example.org', tenantName: 'woodgrove' };

    it('blocks the email’s local part, alone or inside the password', () => {
      for (const password of ['jane.doe+news', 'JANE.DOE+news', 'my-jane.doe-pass', 'jane.doe2024']) blocked(password, context);
    });

    it('blocks it when only separators or case differ', () => {
      blocked('JaneDoe!!2024', context);
      blocked('janedoe_rocks', context);
    });

    it('blocks the tenant name, alone or inside the password', () => {
      for (const password of ['woodgrove', 'Woodgrove2024', 'iloveWOODGROVEbank']) blocked(password, context);
    });

    it('blocks the product name, with or without any other context', () => {
      for (const password of ['Latchkey2026!', 'my-latch-key-pw', 'LATCHKEY']) blocked(password, {});
    });

    it('folds case beyond ASCII (ß is ss)', () => {
      blocked('STRASSE-1234-x', { tenantName: 'Straße' });
    });

    it('ignores context words shorter than 4 characters', () => {
      allowed('joe-likes-quiet-rivers', { email: 'joe@example.org', tenantName: 'abc' });
    });

    it('allows a password that shares no context word', () => {
      allowed('otter piano lantern', context);
    });
  });
});
