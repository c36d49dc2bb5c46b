import type { AttributeField } from '../../../core/users/attributes.ts';
import { ErrorMessage, Layout, renderPage, ShowPassword } from './layout.tsx';
import { Hidden } from './sign-in-views.tsx';

interface FormBase {
  tenantName: string;
  flowId: string;
  csrf: string;
  error?: string;
}

/** Sign-up step 1: Email address → Next (a code to verify it follows). */
export function signUpEmailPage(props: FormBase & { action: string; email?: string; signInHref: string }): string {
  return renderPage(
    <Layout title="Create account" tenantName={props.tenantName}>
      <ErrorMessage message={props.error} />
      <form method="post" action={props.action} novalidate>
        <Hidden flowId={props.flowId} csrf={props.csrf} />
        <label for="email">Email address</label>
        <input id="email" name="email" type="email" autocomplete="email" required autofocus maxlength={320} value={props.email ?? ''} />
        <button type="submit">Next</button>
      </form>
      <p class="links">
        Already have an account? <a href={props.signInHref}>Sign in</a>
      </p>
    </Layout>,
  );
}

function Field(props: { field: AttributeField; value?: string }) {
  const { field } = props;
  const id = `attr-${field.name}`;
  if (field.type === 'boolean') {
    return (
      <p class="check">
        <input id={id} name={field.name} type="checkbox" value="true" required={field.required} checked={props.value === 'true' || props.value === 'on'} />
        <label for={id}>{field.label}</label>
      </p>
    );
  }
  return (
    <>
      <label for={id}>
        {field.label}
        {field.required ? '' : ' (optional)'}
      </label>
      <input id={id} name={field.name} type={field.type === 'number' ? 'number' : 'text'} required={field.required} maxlength={field.maxLength} value={props.value ?? ''} />
    </>
  );
}

/** Sign-up last step: password, Confirm password and the attributes the user flow collects. */
export function signUpDetailsPage(props: FormBase & { action: string; email: string; minLength: number; fields: AttributeField[]; values?: Record<string, string> }): string {
  return renderPage(
    <Layout title="Create account" heading="Create your password" tenantName={props.tenantName}>
      <p>
        Your email address <strong>{props.email}</strong> is verified.
      </p>
      <ErrorMessage message={props.error} />
      <form method="post" action={props.action}>
        <Hidden flowId={props.flowId} csrf={props.csrf} />
        <input type="hidden" name="username" autocomplete="username" value={props.email} />
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="new-password" required minlength={props.minLength} maxlength={1024} aria-describedby="password-hint" />
        <p class="hint" id="password-hint">
          At least {props.minLength} characters.
        </p>
        <label for="confirm">Confirm password</label>
        <input id="confirm" name="confirm" type="password" autocomplete="new-password" required maxlength={1024} />
        <ShowPassword fields="password confirm" />
        {props.fields.map((field) => (
          <Field field={field} value={props.values?.[field.name]} />
        ))}
        <button type="submit">Create account</button>
      </form>
    </Layout>,
  );
}
