import type { MailTemplate } from '../../core/mail/outgoing-mail.ts';

/** The mails that carry a one-time passcode. */
export type PasscodeTemplate = Extract<MailTemplate, `passcode_${string}`>;
/** The mails that only tell the user something happened. */
export type NoticeTemplate = Exclude<MailTemplate, PasscodeTemplate>;

/** Who a mail is from and to, in words. */
export interface Parties {
  tenant: string;
  email: string;
}

/** A notice, as a locale words it. */
export interface NoticeCopy {
  subject: string;
  heading: string;
  paragraphs: string[];
}

/**
 * Every word of every mail in one language. Texts are plain strings (never markup): the HTML
 * renderer escapes them, so a tenant name can never inject anything.
 */
export interface LocaleTexts {
  passcode: Record<
    PasscodeTemplate,
    {
      /** Carries the code so it is readable from the inbox list or a notification. */
      subject(code: string, tenant: string): string;
      heading: string;
      lead(tenant: string): string;
    }
  >;
  expires(minutes: number): string;
  /** Shown under every code: the mail was not asked for, and the code is not to be shared. */
  unexpected: string[];
  notice: Record<NoticeTemplate, (p: Parties) => NoticeCopy>;
  footer(p: Parties): string;
}
