import { raw } from 'hono/html';
import type { ProviderViews } from '../../../oidc/provider-factory.ts';
import { Layout, renderPage } from './layout.tsx';

const ERROR_TEXT: Record<string, string> = {
  invalid_request: 'The app sent an invalid sign-in request.',
  invalid_client: 'The app is not registered with this directory.',
  invalid_redirect_uri: 'The app asked to return to an address it has not registered.',
  unauthorized_client: 'The app is not allowed to sign in this way.',
  unsupported_response_type: 'The app asked for a sign-in response this service does not support.',
  access_denied: 'Sign-in was cancelled.',
};

/** The pages oidc-provider renders (errors, logout confirmation), in Latchkey's look. */
export const oidcViews: ProviderViews = {
  error: ({ error, description }) =>
    renderPage(
      <Layout title="Sign-in problem">
        <p>{ERROR_TEXT[error] ?? 'Something went wrong with this sign-in request.'}</p>
        <p class="detail">
          <code>{error}</code>
          {description ? `: ${description}` : ''}
        </p>
      </Layout>,
    ),
  logoutConfirm: ({ formHtml, tenantName }) =>
    renderPage(
      <Layout title="Sign out" heading="Do you want to sign out?" tenantName={tenantName}>
        {/* oidc-provider builds this form (a hidden xsrf field and the action); it escapes its own values. */}
        {raw(formHtml)}
        <button type="submit" form="op.logoutForm" value="yes" name="logout">
          Yes, sign me out
        </button>
        <button type="submit" form="op.logoutForm" class="secondary">
          No, stay signed in
        </button>
      </Layout>,
    ),
  loggedOut: ({ tenantName }) =>
    renderPage(
      <Layout title="Signed out" heading="You have signed out" tenantName={tenantName}>
        <p>You can close this window.</p>
      </Layout>,
    ),
};
