import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainError } from '../errors.ts';
import { parseEmail } from './email.ts';

const isInvalidEmail = (error: unknown) => error instanceof DomainError && error.code === 'invalid_email';

describe('email parsing', () => {
  it('keeps the address as typed, trimmed, for display and mail', () => {
    assert.equal(parseEmail('  Ann.Lee@Contoso.COM \n').email, 'Ann.Lee@Contoso.COM');
  });

  it('case-folds the key, so ANN@ and ann@ are one account', () => {
    assert.equal(parseEmail('ANN@CONTOSO.COM').normalized, parseEmail('ann@contoso.com').normalized);
    assert.equal(parseEmail(' Ann@Contoso.com ').normalized, 'ann@contoso.com');
  });

  it('NFKC-normalises, so full-width forms are the same address', () => {
    assert.deepEqual(parseEmail('ａｎｎ＠ｃｏｎｔｏｓｏ．ｃｏｍ'), { email: 'ann@contoso.com', normalized: 'ann@contoso.com' });
  });

  it('NFKC-normalises composed and decomposed accents to one key', () => {
    const composed = 'jos\u00e9@contoso.com';
    const decomposed = 'jose\u0301@contoso.com';
    assert.equal(parseEmail(decomposed).normalized, parseEmail(composed).normalized);
  });

  it('accepts international addresses', () => {
    assert.equal(parseEmail('Zoë@Bücher.example').normalized, 'zoë@bücher.example');
  });

  describe('length caps (RFC 5321)', () => {
    const domain = '@contoso.com';
    it('accepts a 64-character local part', () => {
      assert.doesNotThrow(() => parseEmail(`${'a'.repeat(64)}${domain}`));
    });

    it('refuses a 65-character local part', () => {
      assert.throws(() => parseEmail(`${'a'.repeat(65)}${domain}`), isInvalidEmail);
    });

    it('accepts 254 characters in all and refuses 255', () => {
      const label = `${'d'.repeat(60)}.`;
      const host = (length: number) => `${label.repeat(4)}${'e'.repeat(length - 4 * label.length - 4)}.com`;
      const address = (total: number) => `ann@${host(total - 4)}`;
      assert.equal(address(254).length, 254);
      assert.doesNotThrow(() => parseEmail(address(254)));
      assert.throws(() => parseEmail(address(255)), isInvalidEmail);
    });

    it('measures after trimming, so surrounding spaces do not count', () => {
      assert.doesNotThrow(() => parseEmail(`   ${'a'.repeat(64)}${domain}   `));
    });
  });

  describe('refuses', () => {
    const cases: Array<[string, string]> = [
      ['an empty string', ''],
      ['blanks only', '   '],
      ['no @', 'ann.contoso.com'],
      ['two @', 'ann@lee@contoso.com'],
      ['an empty local part', '@contoso.com'],
      ['an empty domain', 'ann@'],
      ['a domain without a dot', 'ann@localhost'],
      ['a domain ending in a dot', 'ann@contoso.'],
      ['a space inside', 'ann lee@contoso.com'],
      ['a display-name form', 'Ann <ann@contoso.com>'],
      ['a quoted local part', '"ann"@contoso.com'],
      ['a comma list', 'ann@contoso.com,bob@contoso.com'],
      ['a semicolon', 'ann@contoso.com;bob@contoso.com'],
      ['a backslash', 'ann\\lee@contoso.com'],
      ['an address literal', 'ann@[192.0.2.1]'],
    ];
    for (const [what, input] of cases) {
      it(`${what}: ${JSON.stringify(input)}`, () => {
        assert.throws(() => parseEmail(input), isInvalidEmail);
      });
    }
  });

  // NUL cannot be stored in a PostgreSQL text column (the insert fails with a server error), and
  // invisible format characters (zero-width space, right-to-left override) let two addresses
  // that look identical be two accounts.
  for (const [what, input] of [
    ['a NUL character', 'ann@contoso.com\u0000'],
    ['a control character', 'ann\u0007@contoso.com'],
    ['a zero-width space', 'ann@con\u200btoso.com'],
    ['a right-to-left override', 'ann\u202e@contoso.com'],
  ]) {
    it(`refuses ${what}`, () => {
      assert.throws(() => parseEmail(input as string), isInvalidEmail);
    });
  }
});
