import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page, Response } from 'playwright-core';

/** Screenshots for a human to look at; not committed. */
export const SHOTS_DIR = process.env.LATCHKEY_SHOTS_DIR ?? '/tmp/latchkey-shots';

export const GENERIC_SIGN_IN_ERROR = 'Your email address or password is incorrect.';

/** Email address → Next → Password → Sign in, the way a person does it: by visible labels and button names. */
export async function signInSteps(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Every HTML document the browser receives from `origin` (redirects included), to check their headers afterwards. */
export function collectDocuments(page: Page, origin: string): Response[] {
  const documents: Response[] = [];
  page.on('response', (response) => {
    if (response.request().resourceType() === 'document' && response.url().startsWith(origin)) documents.push(response);
  });
  return documents;
}

/** A CSP is present on every document, limits scripts (script-src or default-src) and never allows inline script. */
export function assertStrictCsp(documents: Response[]): void {
  assert.ok(documents.length > 0, 'the browser received documents from Latchkey');
  for (const document of documents) {
    const csp = document.headers()['content-security-policy'];
    assert.ok(csp, `a CSP header on ${document.status()} ${document.url()}`);
    const directives = new Map(
      csp
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .filter((parts) => parts[0])
        .map(([name = '', ...values]) => [name.toLowerCase(), values]),
    );
    const scripts = directives.get('script-src') ?? directives.get('default-src');
    assert.ok(scripts, `the CSP limits scripts on ${document.url()}: ${csp}`);
    assert.ok(!scripts.includes("'unsafe-inline'") && !scripts.includes("'unsafe-eval'"), `no unsafe script sources on ${document.url()}: ${csp}`);
  }
}

/** Every visible form control has a <label for> naming it. */
export async function assertInputsLabelled(page: Page): Promise<void> {
  const controls = page.locator('input:not([type=hidden]), select, textarea');
  const count = await controls.count();
  assert.ok(count > 0, `the page at ${page.url()} has form controls`);
  for (let i = 0; i < count; i++) {
    const control = controls.nth(i);
    const id = await control.getAttribute('id');
    assert.ok(id, `control ${i} on ${page.url()} has an id`);
    const label = (await page.locator(`label[for="${id}"]`).textContent())?.trim();
    assert.ok(label, `control #${id} on ${page.url()} has a label`);
  }
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS_DIR, { recursive: true });
  await page.screenshot({ path: join(SHOTS_DIR, `${name}.png`), fullPage: true });
}

/** The visible text of the page's main region with `email` blanked, to compare two answers for different emails. */
export async function mainTextWithout(page: Page, email: string): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText() is wanted here: the text as rendered, line by line.
  return (await page.locator('main').innerText()).replaceAll(email, '<email>');
}
