import { domainToUnicode } from 'node:url';
import { DomainError } from '../errors.ts';

// Why hand-written: we need only a conservative syntactic check (one @, a dotted domain, no
// spaces or angle brackets, RFC 5321 length caps); deliverability is proven by the emailed passcode.
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/u;

/** Control and format (invisible) characters: a NUL breaks PostgreSQL, a zero-width space makes look-alike accounts. */
const INVISIBLE = /[\p{Cc}\p{Cf}]/u;

/** Trims and validates an email address; returns it as typed and its normalized key. */
export function parseEmail(input: string): { email: string; normalized: string } {
  const email = input.normalize('NFKC').trim();
  if (email.length > 254 || INVISIBLE.test(email) || !EMAIL.test(email) || (email.split('@')[0]?.length ?? 0) > 64) {
    throw new DomainError('invalid_email');
  }
  // One mailbox, one key: an internationalised domain typed as Unicode or as its punycode
  // (xn--) form is the same domain, so the key holds the Unicode form (IDNA, via node:url).
  const at = email.lastIndexOf('@');
  const domain = email.slice(at + 1).toLowerCase();
  return { email, normalized: `${email.slice(0, at).toLowerCase()}@${domainToUnicode(domain) || domain}` };
}
