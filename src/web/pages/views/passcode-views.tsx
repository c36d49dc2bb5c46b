import { ErrorMessage, Layout, renderPage, ShowPassword } from './layout.tsx';
import { Hidden } from './sign-in-views.tsx';

interface FormBase {
  tenantName: string;
  flowId: string;
  csrf: string;
  error?: string;
}

/** "Enter code": the one-time passcode sent to the address, with Resend code. */
export function enterCodePage(props: FormBase & { title: string; email: string; codeLength: number; action: string; resendAction: string; startOverHref: string }): string {
  return renderPage(
    <Layout title={props.title} heading="Enter code" tenantName={props.tenantName}>
      <p>
        Enter the one-time passcode we sent to <strong>{props.email}</strong>. If it doesn't arrive within a few minutes, check your junk folder.
      </p>
      <ErrorMessage message={props.error} />
      <form method="post" action={props.action}>
        <Hidden flowId={props.flowId} csrf={props.csrf} />
        <label for="code">Code</label>
        <input
          id="code"
          name="code"
          type="text"
          inputmode="numeric"
          autocomplete="one-time-code"
          pattern="[0-9 ]*"
          maxlength={props.codeLength + 4}
          required
          autofocus
          aria-invalid={props.error ? 'true' : undefined}
          aria-describedby={props.error ? 'form-error' : undefined}
        />
        <button type="submit">Verify code</button>
      </form>
      <form method="post" action={props.resendAction}>
        <Hidden flowId={props.flowId} csrf={props.csrf} />
        <button type="submit" class="secondary">
          Resend code
        </button>
      </form>
      <p class="links">
        <a href={props.startOverHref}>Start again</a>
      </p>
    </Layout>,
  );
}

/** "New password" + "Confirm password" → "Reset password" (or the sign-up password step). */
export function newPasswordPage(props: FormBase & { action: string; email: string; minLength: number }): string {
  return renderPage(
    <Layout title="Reset password" heading="Choose a new password" tenantName={props.tenantName}>
      <ErrorMessage message={props.error} />
      <form method="post" action={props.action}>
        <Hidden flowId={props.flowId} csrf={props.csrf} />
        <input type="hidden" name="username" autocomplete="username" value={props.email} />
        <label for="password">New password</label>
        <input id="password" name="password" type="password" autocomplete="new-password" required autofocus minlength={props.minLength} maxlength={1024} aria-describedby="password-hint" />
        <p class="hint" id="password-hint">
          At least {props.minLength} characters.
        </p>
        <label for="confirm">Confirm password</label>
        <input id="confirm" name="confirm" type="password" autocomplete="new-password" required maxlength={1024} />
        <ShowPassword fields="password confirm" />
        <button type="submit">Reset password</button>
      </form>
    </Layout>,
  );
}
