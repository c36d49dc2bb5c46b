import type { MailTemplate } from '../../core/mail/outgoing-mail.ts';
import { type MailCopy, type MailValues, composeMail, isPasscodeTemplate, resolveMailLocale } from './catalog.ts';
import { mailHtml } from './mail-html.tsx';

/**
 * A mail that cannot be rendered from its stored parameters (a bug in whoever enqueued it).
 * Retrying cannot help, so the outbox worker parks such a mail instead of retrying it.
 */
export class MailRenderError extends Error {
  override name = 'MailRenderError';
}

export interface RenderInput {
  template: MailTemplate;
  /** BCP 47 tag; unknown languages fall back to English. */
  locale: string;
  /** The recipient, used as the `email` value when the parameters have none. */
  to: string;
  params: Readonly<Record<string, string | number>>;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
  /** The passcode the mail carries, for the OTP-Token header. */
  code?: string;
}

// Values end up in a subject header and on single lines of the body: collapse line breaks and
// control characters so a value can neither add a header nor fake a paragraph.
const oneLine = (value: string) => value.replace(/[\s\p{Cc}\p{Zl}\p{Zp}]+/gu, ' ').trim();

/** A passcode is printable ASCII without spaces (our codes are digits). */
const CODE = /^[\x21-\x7e]{1,64}$/;

function values(input: RenderInput): MailValues {
  const { params, template } = input;
  const tenantName = typeof params.tenantName === 'string' ? oneLine(params.tenantName) : '';
  if (!tenantName) throw new MailRenderError(`${template}: the tenantName parameter is missing`);
  const email = oneLine(String(params.email ?? input.to));
  if (!isPasscodeTemplate(template)) return { tenantName, email };

  // Why strings only: a code held as a number would have lost its leading zeros already.
  const code = params.code;
  if (typeof code !== 'string' || !CODE.test(code)) throw new MailRenderError(`${template}: the code parameter is missing or not a printable string`);
  // Why lenient: a code without its lifetime line is still worth sending, a parked mail is not.
  const lifetimeMinutes = Number(params.lifetimeMinutes);
  return Number.isInteger(lifetimeMinutes) && lifetimeMinutes >= 1 ? { tenantName, email, code, lifetimeMinutes } : { tenantName, email, code };
}

function mailText(copy: MailCopy): string {
  const blocks = [copy.tenantName, copy.heading, ...copy.lead, ...(copy.code === undefined ? [] : [`    ${copy.code}`]), ...copy.notes, `-- \n${copy.footer}`];
  return `${blocks.join('\n\n')}\n`;
}

/**
 * Renders an outbox mail to its subject, plain text and HTML, in the mail's language (English
 * when we do not have it). Throws MailRenderError when a required parameter is missing.
 */
export function renderMail(input: RenderInput): RenderedMail {
  const checked = values(input);
  const copy = composeMail(input.template, resolveMailLocale(input.locale), checked);
  return { subject: copy.subject, text: mailText(copy), html: mailHtml(copy), ...(checked.code === undefined ? {} : { code: checked.code }) };
}
