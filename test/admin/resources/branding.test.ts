import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dialects } from '../../fixtures/server.ts';
import { readThenWrite, suiteWorld, tenantWithAdmin } from './support.ts';

const german = {
  logoUrl: 'https://cdn.example/logo.png',
  backgroundImageUrl: null,
  colors: { background: '#ffffff', primary: '#0067b8', text: null },
  customCss: '.card { border-radius: 8px }',
  texts: { SignIn_Title: 'Anmelden' },
  footerLinks: [{ text: 'Datenschutz', url: 'https://example.com/datenschutz' }],
  showForgotPassword: false,
};

for (const dialect of dialects()) {
  describe(`admin API: branding per language (${dialect})`, () => {
    const world = suiteWorld(dialect);

    it('reads the defaults, stores a language with If-Match, lists it and resets it', async () => {
      const { call, base } = await tenantWithAdmin(world());
      const defaults = await call('GET', `${base}/branding/de-DE`);
      assert.deepEqual([defaults.status, defaults.body.showForgotPassword, defaults.body.logoUrl], [200, true, null]);
      const saved = await readThenWrite(call, 'PUT', `${base}/branding/de-DE`, () => german);
      assert.equal(saved.status, 200, JSON.stringify(saved.body));
      assert.deepEqual((await call('GET', `${base}/branding/de-DE`)).body, german);
      assert.deepEqual(
        (await call('GET', `${base}/branding`)).body.items.map((b: { locale: string }) => b.locale),
        ['de-DE'],
      );
      const stale = await call('PUT', `${base}/branding/de-DE`, german, { 'if-match': defaults.headers.get('etag') as string });
      assert.equal(stale.status, 412);
      assert.equal((await readThenWrite(call, 'DELETE', `${base}/branding/de-DE`, () => undefined)).status, 204);
      assert.deepEqual((await call('GET', `${base}/branding`)).body.items, []);
    });

    it('refuses unsafe or malformed branding with a 400 naming the field', async () => {
      const { call, base } = await tenantWithAdmin(world());
      const cases: Array<[Record<string, unknown>, RegExp]> = [
        [{ logoUrl: 'http://cdn.example/logo.png' }, /logoUrl/],
        [{ colors: { background: 'red', primary: null, text: null } }, /colors/],
        [{ customCss: '</style><script>alert(1)</script>' }, /customCss/],
        [{ customCss: 'a { background: url(http://evil.example/t) }' }, /customCss/],
        [{ footerLinks: [{ text: 'x', url: 'javascript:alert(1)' }] }, /footerLinks/],
      ];
      for (const [change, field] of cases) {
        const refused = await readThenWrite(call, 'PUT', `${base}/branding/default`, () => ({ ...german, ...change }));
        assert.equal(refused.status, 400, JSON.stringify(change));
        assert.match(refused.body.error.message, field);
      }
      assert.equal((await call('GET', `${base}/branding/not_a_tag`)).status, 400);
    });
  });
}
