import { ErrorMessage, Layout, renderPage, ShowPassword } from './layout.tsx';

export interface StepProps {
  tenantName: string;
  action: string;
  flowId: string;
  csrf: string;
  error?: string;
  /** Where "No account? Create one" leads; absent when the user flow does not allow sign-up. */
  signUpHref?: string;
}

export function Hidden(props: { flowId: string; csrf: string }) {
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
export function passwordPage(
  props: StepProps & {
    email: string;
    changeEmailAction: string;
    /** POST target of "Forgot password?" (it sends a code, so it is a form, not a link); absent when SSPR is off. */
    forgotPasswordAction?: string;
    /** POST target of "Sign in with a code instead"; absent unless the user flow allows passcode sign-in. */
    useCodeAction?: string;
  },
): string {
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
        <ShowPassword fields="password" />
        {props.forgotPasswordAction ? (
          <p class="links">
            <button type="submit" form="forgot-password" class="link" formnovalidate>
              Forgot password?
            </button>
          </p>
        ) : null}
        <button type="submit">Sign in</button>
      </form>
      {props.forgotPasswordAction ? (
        <form id="forgot-password" method="post" action={props.forgotPasswordAction}>
          <Hidden flowId={props.flowId} csrf={props.csrf} />
        </form>
      ) : null}
      {props.useCodeAction ? (
        <form method="post" action={props.useCodeAction}>
          <Hidden flowId={props.flowId} csrf={props.csrf} />
          <button type="submit" class="secondary">
            Email me a one-time code instead
          </button>
        </form>
      ) : null}
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
