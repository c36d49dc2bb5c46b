import type { Child } from 'hono/jsx';

/**
 * The page frame every hosted page shares: one stylesheet, one small same-origin script that only
 * enhances (pages work without it), no inline script, one main region.
 */
export function Layout(props: { title: string; heading?: string; tenantName?: string; lang?: string; children?: Child }) {
  return (
    <html lang={props.lang ?? 'en'}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{props.tenantName ? `${props.title} · ${props.tenantName}` : props.title}</title>
        {/* No icon yet: an empty one stops browsers fetching /favicon.ico (a 404 on every page). */}
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="/static/latchkey.css" />
        <script src="/static/latchkey.js" defer />
      </head>
      <body>
        {/* One unnamed main landmark: naming it after the heading ("Enter password") would make the
            landmark answer to the field's label ("Password") for voice control and test tools. */}
        <main class="card">
          {props.tenantName ? <p class="tenant">{props.tenantName}</p> : null}
          <h1 id="page-heading">{props.heading ?? props.title}</h1>
          {props.children}
        </main>
      </body>
    </html>
  );
}

/**
 * A "Show password" toggle for the password fields with these ids (space-separated). Rendered
 * hidden: the page's script reveals and drives it, so without JavaScript nothing dead is shown.
 */
export function ShowPassword(props: { fields: string }) {
  return (
    <button type="button" class="show-password" data-fields={props.fields} aria-pressed="false" hidden>
      Show password
    </button>
  );
}

/** A form-level error, announced to screen readers. */
export function ErrorMessage(props: { message?: string }) {
  if (!props.message) return null;
  return (
    <p class="error" role="alert" id="form-error">
      {props.message}
    </p>
  );
}

export function renderPage(node: unknown): string {
  return `<!doctype html>${String(node)}`;
}
