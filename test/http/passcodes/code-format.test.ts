import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createPasscodes } from '../../../src/core/credentials/passcode.ts';
import type { FlowId, TenantId } from '../../../src/core/ids.ts';
import type { OutgoingMail } from '../../../src/core/mail/outgoing-mail.ts';
import type { Counters, Store } from '../../../src/core/ports.ts';
import { DEFAULT_PASSCODE_POLICY } from '../../../src/core/policies/passcode-policy.ts';
import { cryptoRandom, systemClock } from '../../../src/system.ts';

/**
 * B1 (SECURITY-CHECKLIST): codes have at least six decimal digits, come from a CSPRNG and are
 * uniformly distributed. NIST 800-63B-4 §3.1.3.2, ASVS 6.5.3 / 6.5.4.
 */

const SRC = fileURLToPath(new URL('../../../src/', import.meta.url));
const SAMPLES = 1_000;

/**
 * The codes the passcode module mails for `count` fresh flows, using the production `Random`
 * (`cryptoRandom` of src/system.ts). Why stubs for the store and counters: this test is about the
 * digits, so it captures the outbox mail instead of running a database, and counts nothing
 * (the per-address and per-IP budgets would otherwise stop it after five codes).
 */
async function mailedCodes(count: number): Promise<string[]> {
  const mails: OutgoingMail[] = [];
  const counters: Counters = {
    hit: async () => ({ count: 1, resetInMs: 0 }),
    peek: async () => ({ count: 0, resetInMs: 0 }),
    reset: async () => {},
  };
  const tx = {
    passcodes: { find: async () => undefined, insert: async () => true },
    outbox: { enqueue: async (mail: OutgoingMail) => void mails.push(mail) },
  } as unknown as Store;
  // `seal` is the identity here, for a core that seals the code before it reaches the outbox.
  const deps = { clock: systemClock, random: cryptoRandom, mac: (data: string) => data, seal: (plain: string) => plain, counters };
  const passcodes = createPasscodes(deps);
  for (let i = 0; i < count; i++) {
    await passcodes.issue(tx, {
      tenantId: 'tenant' as TenantId,
      flowId: `flow-${i}` as FlowId,
      purpose: 'password_reset',
      policy: DEFAULT_PASSCODE_POLICY,
      delivery: { to: `user${i}@example.com`, template: 'passcode_password_reset', locale: 'en', tenantName: 'Contoso', carriesCode: true },
      address: `user${i}@example.com`,
      ip: '127.0.0.1',
    });
  }
  return mails.map((mail) => String(mail.params.code ?? mail.params.sealedCode));
}

/** Pearson's chi-square statistic of digit counts against a uniform distribution over 0–9. */
function chiSquare(digits: string): number {
  const counts = new Array<number>(10).fill(0);
  for (const d of digits) counts[Number(d)] = (counts[Number(d)] ?? 0) + 1;
  const expected = digits.length / 10;
  return counts.reduce((sum, observed) => sum + (observed - expected) ** 2 / expected, 0);
}

// Upper quantiles of chi-square with 9 degrees of freedom. A correct generator fails the
// overall test once in 10,000 runs, and any one position once in a million.
const CHI2_9DF_P_1E4 = 33.72;
const CHI2_9DF_P_1E6 = 44.81;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx|js|mjs|cjs)$/.test(entry.name) ? [path] : [];
  });
}

describe('passcode format (B1)', () => {
  it('1,000 mailed codes are all at least 6 decimal digits, zero-padded to the policy length', async () => {
    assert.ok(DEFAULT_PASSCODE_POLICY.length >= 6, 'the default policy asks for at least 6 digits');
    const codes = await mailedCodes(SAMPLES);
    assert.equal(codes.length, SAMPLES);
    const malformed = codes.filter((code) => !/^\d+$/.test(code) || code.length !== DEFAULT_PASSCODE_POLICY.length);
    assert.deepEqual(malformed, [], `every code is exactly ${DEFAULT_PASSCODE_POLICY.length} digits`);
    // Leading zeros are kept (a number formatted without padding would lose them): about 100 of 1,000 start with 0.
    assert.ok(
      codes.some((code) => code.startsWith('0')),
      'some codes start with 0',
    );
    // Two equal codes among 1,000 random 8-digit ones happen with probability 0.5 %; more than a few means little entropy.
    assert.ok(new Set(codes).size >= SAMPLES - 3, `at most 3 repeats (got ${SAMPLES - new Set(codes).size})`);
  });

  it('the digits of 1,000 codes are uniform (chi-square, overall and per position)', async () => {
    const codes = await mailedCodes(SAMPLES);
    const overall = chiSquare(codes.join(''));
    assert.ok(overall < CHI2_9DF_P_1E4, `overall chi-square ${overall.toFixed(2)} < ${CHI2_9DF_P_1E4}`);
    for (let position = 0; position < DEFAULT_PASSCODE_POLICY.length; position++) {
      const statistic = chiSquare(codes.map((code) => code[position] ?? '').join(''));
      assert.ok(statistic < CHI2_9DF_P_1E6, `position ${position}: chi-square ${statistic.toFixed(2)} < ${CHI2_9DF_P_1E6}`);
    }
  });

  it('the production Random draws digits from node:crypto', () => {
    const system = readFileSync(join(SRC, 'system.ts'), 'utf8');
    assert.match(system, /from 'node:crypto'/);
    assert.match(system, /digits:[^\n]*randomInt\(10\)/, 'digits() uses crypto.randomInt, which has no modulo bias');
  });

  it('no source file under src/ calls Math.random', () => {
    const offenders = sourceFiles(SRC)
      .flatMap((file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .map((line, index) => ({ file: relative(SRC, file), line: index + 1, text: line.trim() }))
          .filter(({ text }) => /\bMath\.random\b/.test(text)),
      )
      .map(({ file, line, text }) => `src/${file}:${line}: ${text}`);
    assert.deepEqual(offenders, [], 'use node:crypto (randomInt / randomBytes) instead of Math.random');
  });
});
