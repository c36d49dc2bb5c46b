import type { MailCopy } from './catalog.ts';

// Mail clients drop <style> blocks and external CSS unpredictably, so every style is inline and
// the layout is a table, which Outlook's Word engine still needs for a centred, bounded column.
const FONT = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;";
const styles = {
  body: 'margin:0;padding:0;background:#f3f5f7;',
  outer: 'background:#f3f5f7;',
  cell: 'padding:24px 12px;',
  card: 'max-width:480px;background:#ffffff;border-radius:8px;',
  content: `${FONT}padding:32px;color:#1b1b1b;font-size:16px;line-height:1.5;`,
  tenant: 'margin:0 0 4px;color:#5c5c5c;font-size:13px;text-transform:uppercase;letter-spacing:1px;',
  heading: 'margin:0 0 20px;font-size:22px;font-weight:600;line-height:1.3;',
  paragraph: 'margin:0 0 16px;',
  code: "margin:8px 0 24px;padding:16px;background:#f3f5f7;border-radius:6px;text-align:center;font-family:Consolas,Menlo,'Courier New',monospace;font-size:32px;font-weight:700;letter-spacing:6px;color:#1b1b1b;",
  footer: 'margin:24px 0 0;padding-top:16px;border-top:1px solid #e1e4e8;color:#5c5c5c;font-size:13px;',
} as const;

function MailBody(props: { copy: MailCopy }) {
  const { copy } = props;
  return (
    <html lang={copy.locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light" />
        <title>{copy.subject}</title>
      </head>
      <body style={styles.body}>
        <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border={0} style={styles.outer}>
          <tr>
            <td align="center" style={styles.cell}>
              <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border={0} style={styles.card}>
                <tr>
                  <td style={styles.content}>
                    <p style={styles.tenant}>{copy.tenantName}</p>
                    <h1 style={styles.heading}>{copy.heading}</h1>
                    {copy.lead.map((text) => (
                      <p style={styles.paragraph}>{text}</p>
                    ))}
                    {copy.code === undefined ? null : <p style={styles.code}>{copy.code}</p>}
                    {copy.notes.map((text) => (
                      <p style={styles.paragraph}>{text}</p>
                    ))}
                    <p style={styles.footer}>{copy.footer}</p>
                  </td>
                </tr>
              </table>
            </td>
          </tr>
        </table>
      </body>
    </html>
  );
}

/** The HTML part of a mail. hono/jsx escapes every text and attribute value it is given. */
export function mailHtml(copy: MailCopy): string {
  return `<!doctype html>${String(<MailBody copy={copy} />)}`;
}
