import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chromiumForThisFile, openPage } from '../fixtures/chromium.ts';
import { dialects, startTestServer } from '../fixtures/server.ts';
import { assertStrictCsp, collectDocuments, screenshot, signInSteps } from './pages.ts';

const browser = chromiumForThisFile();

for (const dialect of dialects()) {
  describe(`demo app in Chromium (${dialect})`, () => {
    it('signs in as the seeded demo user, shows the claims and signs out', async (t) => {
      // The demo app's redirect URI is seeded from the base URL (http://127.0.0.1:port): browse exactly there.
      const server = await startTestServer({ dialect, seedDemo: true });
      t.after(() => server.close());
      const demoUser = server.latchkey.seed.demoUser;
      assert.ok(demoUser, 'a fresh database seeds the demo user');
      const { page, problems } = await openPage(t, browser());
      const documents = collectDocuments(page, server.baseUrl);
      const demo = `${server.baseUrl}/demo`;

      await page.goto(demo);
      await screenshot(page, 'demo-signed-out');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByLabel('Email address').waitFor();
      assert.ok(page.url().startsWith(`${server.baseUrl}/demo/interaction/`), `on the hosted pages of tenant demo: ${page.url()}`);
      await signInSteps(page, demoUser.email, demoUser.password);
      await page.waitForURL(demo);

      const claims = JSON.parse((await page.locator('#claims').textContent()) ?? 'null') as Record<string, unknown>;
      assert.equal(claims.email, 'demo@example.com');
      assert.equal(claims.name, 'Demo User');
      assert.equal(claims.aud, 'demo-app');
      assert.equal(claims.iss, `${server.baseUrl}/demo/v2.0`);
      assert.match((await page.locator('main').textContent()) ?? '', /Signed in as demo@example\.com/);
      await screenshot(page, 'demo-signed-in');

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('button', { name: 'Yes, sign me out' }).click();
      await page.waitForURL(demo);
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      assert.equal(await page.locator('#claims').count(), 0, 'the demo page no longer shows claims');

      assertStrictCsp(documents);
      assert.deepEqual(problems, []);
    });
  });
}
