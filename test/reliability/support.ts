import { decodeProtectedHeader } from 'jose';
import type { Journey, Page } from '../fixtures/journey.ts';

export { EMAIL, NEW_PASSWORD, actionOf, post, requestReset } from '../http/passcodes/support.ts';

/** Email → Next → Password → Sign in, from the first page of a journey. */
export async function signIn(journey: Journey, emailPage: Page, email: string, password: string): Promise<Page> {
  return journey.submit(await journey.submit(emailPage, '/email', { email }), '/password', { password });
}

/** The `kid` in the header of a JWT. */
export const kidOf = (jwt: string | undefined) => (jwt ? decodeProtectedHeader(jwt).kid : undefined);

/** What a 5xx/4xx body must never show: stack frames, source paths, driver or SQL errors. */
export const INTERNALS =
  /\bat [\w.<>]+ \(|node:internal|\/src\/|\.ts:\d+|SqliteError|no such table|relation "|ECONNREFUSED|terminating connection|Connection terminated|pg_|SQLSTATE/i;
