import { Layout, renderPage } from '../pages/views/layout.tsx';

/** The demo app's only page: Sign in, or the ID token claims and Sign out. */
export function demoPage(props: { claims?: Record<string, unknown>; error?: string }): string {
  return renderPage(
    <Layout title="Latchkey demo app" heading="Demo app">
      {props.error ? (
        <p class="error" role="alert">
          {props.error}
        </p>
      ) : null}
      {props.claims ? (
        <>
          <p>
            Signed in as <strong>{String(props.claims.email ?? props.claims.sub)}</strong>. These are the claims of your ID token:
          </p>
          <pre id="claims">{JSON.stringify(props.claims, null, 2)}</pre>
          <form method="post" action="/demo/logout">
            <button type="submit">Sign out</button>
          </form>
        </>
      ) : (
        <>
          <p>This app hands sign-in to Latchkey over OpenID Connect (authorization code with PKCE).</p>
          <form method="post" action="/demo/login">
            <button type="submit">Sign in</button>
          </form>
        </>
      )}
    </Layout>,
  );
}
