import type { MailTemplate } from '../../core/mail/outgoing-mail.ts';
import { de } from './locales/de.ts';
import { en } from './locales/en.ts';
import { es } from './locales/es.ts';
import { fr } from './locales/fr.ts';
import type { LocaleTexts, NoticeTemplate, PasscodeTemplate } from './texts.ts';

const catalog = { en, fr, de, es } as const satisfies Record<string, LocaleTexts>;

/** The languages mails are written in; English is the default. */
export type MailLocale = keyof typeof catalog;
export const MailLocales = Object.keys(catalog) as MailLocale[];

/**
 * Picks the mail language for a BCP 47 tag: the exact language if we have it, else its primary
 * subtag (`fr-CA` → `fr`), else English. Case and `_` separators are tolerated.
 */
export function resolveMailLocale(tag: string | undefined): MailLocale {
  const primary = (tag ?? '').trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return Object.hasOwn(catalog, primary) ? (primary as MailLocale) : 'en';
}

export function isPasscodeTemplate(template: MailTemplate): template is PasscodeTemplate {
  return template.startsWith('passcode_');
}

/** The values a template is filled with, already checked (see render.ts). */
export interface MailValues {
  tenantName: string;
  email: string;
  /** Present for passcode mails. */
  code?: string;
  lifetimeMinutes?: number;
}

/** A mail's words, in reading order, before they are laid out as text or HTML. */
export interface MailCopy {
  locale: MailLocale;
  subject: string;
  tenantName: string;
  heading: string;
  /** Paragraphs above the code (all paragraphs, for a notice). */
  lead: string[];
  /** The passcode, shown large; absent for notices. */
  code?: string;
  /** Paragraphs below the code. */
  notes: string[];
  footer: string;
}

/** Words a template in a language, from checked values. */
export function composeMail(template: MailTemplate, locale: MailLocale, values: MailValues): MailCopy {
  const texts: LocaleTexts = catalog[locale];
  const parties = { tenant: values.tenantName, email: values.email };
  const base = { locale, tenantName: values.tenantName, footer: texts.footer(parties) };
  if (isPasscodeTemplate(template)) {
    const code = values.code ?? '';
    const copy = texts.passcode[template];
    const notes = values.lifetimeMinutes === undefined ? texts.unexpected : [texts.expires(values.lifetimeMinutes), ...texts.unexpected];
    return { ...base, subject: copy.subject(code, values.tenantName), heading: copy.heading, lead: [copy.lead(values.tenantName)], code, notes };
  }
  const notice = texts.notice[template as NoticeTemplate](parties);
  return { ...base, subject: notice.subject, heading: notice.heading, lead: notice.paragraphs, notes: [] };
}
