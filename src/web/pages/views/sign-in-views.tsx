import { ErrorMessage, Layout, renderPage } from './layout.tsx';

export interface StepProps {
  tenantName: string;
  action: string;
  flowId: string;
  csrf: string;
  error?: string;
  /** Links of the journey; absent when the user flow does not offer them. */
  forgotPasswordHref?: string;
  signUpHref?: string;
}

function Hidden(props: { flowId: string; csrf: string }) {
  return (
    <>
      <input type="hidden" name="flow" value={props.flowId} />
      <input type="hidden" name="csrf" value={props.csrf} />
    </>
  );
}

/** Step 1: Email address → Next. */
export function emailPage(props: StepProps & { email?: string }): string {
  return renderPage(
    <Layout title="Sign in" tenantName={props.tenantName}>
      <ErrorMessage message={props.error} />
      <form method="post" action={`${props.action}/email`} novalidate>
        <Hidden flowId={props.flowId} csrf={props.csrf} />
        <label for="email">Email address</label>
        <input
          id="email"
          name="email"
          type="email"
          autocomplete="username"
          required
          autofocus
          maxlength={320}
          value={props.email ?? ''}
          aria-invalid={props.error ? 'true' : undefined}
          aria-describedby={props.error ? 'form-error' : undefined}
        />
        <button type="submit">Next</button>
      </form>
      {props.signUpHref ? (
        <p class="links">
          No account? <a href={props.signUpHref}>Create one</a>
        </p>
      ) : null}
    </Layout>,
  );
}

/** Step 2: Password → Sign in, with Forgot password? */
export function passwordPage(props: StepProps & { email: string; changeEmailAction: string }): string {
  return renderPage(
    <Layout title="Enter password" tenantName={props.tenantName}>
      <form method="post" action={props.changeEmailAction} class="identity">
        <Hidden flowId={props.flowId} csrf={props.csrf} />
        <span class="email">{props.email}</span>
        <button type="submit" class="link">
          Use another email
        </button>
      </form>
      <ErrorMessage message={props.error} />
      <form method="post" action={`${props.action}/password`}>
        <Hidden flowId={props.flowId} csrf={props.csrf} />
        <input type="hidden" name="username" autocomplete="username" value={props.email} />
        <label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="current-password"
          required
          autofocus
          maxlength={1024}
          aria-invalid={props.error ? 'true' : undefined}
          aria-describedby={props.error ? 'form-error' : undefined}
        />
        {props.forgotPasswordHref ? (
          <p class="links">
            <a href={props.forgotPasswordHref}>Forgot password?</a>
          </p>
        ) : null}
        <button type="submit">Sign in</button>
      </form>
      {props.signUpHref ? (
        <p class="links">
          No account? <a href={props.signUpHref}>Create one</a>
        </p>
      ) : null}
    </Layout>,
  );
}

/** A page for a problem the user cannot fix on this page (expired link, unknown tenant…). */
export function problemPage(props: { title: string; message: string; tenantName?: string; startOverHref?: string }): string {
  return renderPage(
    <Layout title={props.title} tenantName={props.tenantName}>
      <p>{props.message}</p>
      {props.startOverHref ? (
        <p class="links">
          <a href={props.startOverHref}>Start again</a>
        </p>
      ) : null}
    </Layout>,
  );
}
