import type { FastifyInstance } from 'fastify';
import { jsx } from 'hono/jsx';
import { Layout, renderPage } from './pages/views/layout.tsx';

/** A mail as the dev mailbox kept it. */
export interface DevMailView {
  sentAt: number;
  to: string;
  from: string;
  subject: string;
  text: string;
  html: string;
}

/** What the page reads: the dev mail transport, newest mail first. */
export interface DevMailboxSource {
  list(): DevMailView[];
}

// Why jsx() calls rather than a .tsx view: this plugin is one small development page, and
// hono/jsx escapes every child and attribute either way (a subject is untrusted text).
function mailboxPage(mails: DevMailView[]): string {
  const items = mails.map((mail) => {
    const at = new Date(mail.sentAt).toISOString();
    return jsx(
      'article',
      null,
      jsx('h2', null, mail.subject),
      jsx('p', { class: 'detail' }, jsx('time', { datetime: at }, at), ` · to ${mail.to}`),
      jsx('pre', null, mail.text),
    );
  });
  const intro = jsx(
    'p',
    { class: 'detail' },
    'Development only: mails are kept in memory (the last 200) and never leave this process. Set LATCHKEY_SMTP_URL to deliver them.',
  );
  return renderPage(jsx(Layout, { title: 'Dev mailbox' }, intro, ...(items.length > 0 ? items : [jsx('p', null, 'No mail yet.')])));
}

/**
 * GET /dev/mailbox (HTML) and GET /dev/mailbox.json: the mails the dev mail transport kept.
 * Registered only in development without SMTP, as it shows every passcode to anyone who asks.
 */
export async function devMailboxRoutes(app: FastifyInstance, opts: { mailbox: DevMailboxSource }): Promise<void> {
  app.get('/dev/mailbox', async (_request, reply) =>
    reply.header('cache-control', 'no-store').type('text/html; charset=utf-8').send(mailboxPage(opts.mailbox.list())),
  );
  app.get('/dev/mailbox.json', async (_request, reply) =>
    reply.header('cache-control', 'no-store').send({
      mails: opts.mailbox.list().map((mail) => ({ ...mail, sentAt: new Date(mail.sentAt).toISOString() })),
    }),
  );
}
