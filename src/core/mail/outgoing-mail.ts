import type { TenantId } from '../ids.ts';

/** The transactional mails Latchkey sends; each has a localisable text and HTML template. */
export const MailTemplate = [
  'passcode_password_reset',
  'passcode_sign_up',
  'passcode_sign_in',
  'password_changed',
  'sign_up_existing_account',
  'password_reset_unknown_account',
] as const;
export type MailTemplate = (typeof MailTemplate)[number];

/**
 * A mail as the core asks for it: a template and its parameters, not rendered text. It is
 * written to the outbox in the same transaction as the state it reports (e.g. the passcode),
 * and delivered by the outbox worker.
 */
export interface OutgoingMail {
  id: string;
  tenantId: TenantId;
  to: string;
  template: MailTemplate;
  /** BCP 47 language tag for the template (falls back to English). */
  locale: string;
  /** Template values, e.g. { tenantName, code, lifetimeMinutes }. */
  params: Record<string, string | number>;
  createdAt: number;
}
