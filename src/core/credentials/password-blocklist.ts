import { COMMON_PASSWORDS } from './common-passwords.ts';

/** What the password must not be built from: the user's address and the tenant's name. */
export interface PasswordContext {
  email?: string;
  tenantName?: string;
}

/** Parsed once at import (10,000 entries, a few milliseconds); each check is then O(1). */
const COMMON = new Set(COMMON_PASSWORDS.split('\n'));

/** Context words shorter than this (`ann`, `io`) are too common inside good passwords to forbid. */
const MIN_CONTEXT_LENGTH = 4;

/** Letter rows of QWERTY, QWERTZ and AZERTY (`asdfghjk` is as weak as `abcdefgh`); reversed runs count too. */
const KEYBOARD_ROWS = ['qwertyuiopasdfghjklzxcvbnm', 'qwertzuiopasdfghjklyxcvbnm', 'azertyuiopqsdfghjklmwxcvbn'];

/**
 * NFKC then case folding, so `ＰＡＳＳＷＯＲＤ`, `Password` and `password` are one password. JS has no
 * case-fold function; upper- then lower-casing comes close (`ß` → `ss`, dotless `ı` → `i`).
 * scripts/build-password-blocklist.ts folds the list the same way.
 */
function fold(text: string): string {
  return text.normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC');
}

/** Only letters and digits: `john.smith` and `JohnSmith` meet as `johnsmith`. */
function compact(text: string): string {
  return text.replace(/[^\p{L}\p{N}]/gu, '');
}

/** The password without digits and symbols at either end: `football2024!` → `football`. */
function core(text: string): string {
  return text.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
}

/** The same unit over and over: `aaaaaaaa`, `abcabcabc`, `12341234`. */
function isRepetition(chars: string[]): boolean {
  const n = chars.length;
  for (let unit = 1; unit <= n / 2; unit++) {
    if (n % unit === 0 && chars.every((c, i) => c === chars[i % unit])) return true;
  }
  return false;
}

/** Steps of +1 or -1 throughout (`abcdefgh`, `87654321`); digits wrap, as in `1234567890`. */
function isSequence(chars: string[]): boolean {
  const step = (a: string, b: string): number => {
    const d = b.codePointAt(0)! - a.codePointAt(0)!;
    return /\d/.test(a) && /\d/.test(b) && Math.abs(d) === 9 ? -Math.sign(d) : d;
  };
  const first = step(chars[0]!, chars[1]!);
  if (Math.abs(first) !== 1) return false;
  return chars.every((c, i) => i === 0 || step(chars[i - 1]!, c) === first);
}

function isKeyboardRun(text: string): boolean {
  return KEYBOARD_ROWS.some((row) => row.includes(text) || [...row].reverse().join('').includes(text));
}

function isTrivial(text: string): boolean {
  const chars = [...text];
  if (chars.length < 2) return chars.length === 1;
  return isRepetition(chars) || isSequence(chars) || isKeyboardRun(text);
}

/**
 * The service's own name: the word an attacker tries first on any site ("Latchkey2026!"), and
 * one that every tenant's sign-up pages show (NIST 800-63B §3.1.1.2, "context-specific words").
 */
const PRODUCT_NAME = 'Latchkey';

/** The folded forms of the product name, the address's local part (and before a `+tag`) and the tenant name. */
function contextWords({ email, tenantName }: PasswordContext): string[] {
  const words: string[] = [PRODUCT_NAME];
  if (email) {
    const at = email.lastIndexOf('@');
    const local = at === -1 ? email : email.slice(0, at);
    words.push(local, local.split('+')[0]!);
  }
  if (tenantName) words.push(tenantName);
  return words
    .map(fold)
    .flatMap((word) => [word, compact(word)])
    .filter((word) => [...word].length >= MIN_CONTEXT_LENGTH);
}

/**
 * NIST 800-63B §3.1.1.2's blocklist check for a password a person is choosing. True when the
 * NFKC-normalised, case-folded password is
 * - one of the 10,000 most common breached passwords of 8+ characters, alone or with digits and
 *   symbols added at either end (`Football2024!`);
 * - a repetition, a sequence or a keyboard run (`aaaaaaaa`, `12345678`, `abcdefgh`, `asdfghjk`);
 * - or contains the product's name, the email's local part or the tenant's name (each when 4+ characters), also
 *   when separators differ (`john.smith` in `JohnSmith77`).
 * Pure and synchronous, and it works offline: the list ships in common-passwords.ts.
 */
export function isBlockedPassword(password: string, context: PasswordContext = {}): boolean {
  const folded = fold(password);
  if (COMMON.has(folded) || COMMON.has(core(folded))) return true;
  if (isTrivial(folded)) return true;
  const squeezed = compact(folded);
  return contextWords(context).some((word) => folded.includes(word) || squeezed.includes(word));
}
