import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainError } from '../errors.ts';
import { type Branding, checkBranding, DEFAULT_BRANDING, isBrandingLocale } from './branding.ts';

const refuses = (change: Partial<Branding>, field: RegExp) =>
  assert.throws(
    () => checkBranding({ ...DEFAULT_BRANDING, ...change }),
    (e: unknown) => e instanceof DomainError && e.code === 'invalid_branding' && field.test(e.message),
  );

describe('branding', () => {
  it('accepts the defaults and a full, sound document', () => {
    checkBranding(DEFAULT_BRANDING);
    checkBranding({
      logoUrl: 'https://cdn.example/logo.png',
      backgroundImageUrl: 'https://cdn.example/bg.jpg',
      colors: { background: '#FFFFFF', primary: '#0067b8', text: '#1b1b1b' },
      customCss: '.card { border-radius: 8px; background: url("https://cdn.example/x.png") }',
      texts: { SignIn_Title: 'Welcome back', SisuOtc_Title: 'Enter your code' },
      footerLinks: [{ text: 'Privacy', url: 'https://example.com/privacy' }],
      showForgotPassword: false,
    });
  });

  it('refuses non-https URLs, bad colours and unsafe CSS, naming the field', () => {
    refuses({ logoUrl: 'http://cdn.example/logo.png' }, /logoUrl/);
    refuses({ backgroundImageUrl: 'javascript:alert(1)' }, /backgroundImageUrl/);
    refuses({ colors: { background: 'red', primary: null, text: null } }, /colors\.background/);
    refuses({ customCss: '</style><script>alert(1)</script>' }, /customCss/);
    refuses({ customCss: '@import "https://evil.example/x.css";' }, /customCss/);
    refuses({ customCss: 'body { background: url(http://evil.example/track) }' }, /customCss/);
    refuses({ customCss: 'x'.repeat(25_001) }, /customCss/);
    refuses({ texts: { 'bad key': 'x' } }, /texts/);
    refuses({ texts: { SignIn_Title: 'x'.repeat(1025) } }, /texts\.SignIn_Title/);
    refuses({ footerLinks: [{ text: 'x', url: 'ftp://example.com' }] }, /footerLinks\/0/);
  });

  it('names languages by BCP 47 tag, or "default"', () => {
    for (const ok of ['default', 'en', 'de-DE', 'sr-Latn', 'zh-HK', 'pt-BR']) assert.equal(isBrandingLocale(ok), true, ok);
    for (const bad of ['', 'EN', 'english', 'de_DE', '../x', 'en-']) assert.equal(isBrandingLocale(bad), false, bad);
  });
});
