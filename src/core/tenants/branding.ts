import { DomainError } from '../errors.ts';

/** A link in the page footer (privacy, terms…). */
export interface FooterLink {
  text: string;
  url: string;
}

/**
 * A tenant's branding in one language (Entra's company branding, per browser language): what
 * the hosted pages show. Stored and validated now; the pages apply it later.
 */
export interface Branding {
  logoUrl: string | null;
  backgroundImageUrl: string | null;
  colors: { background: string | null; primary: string | null; text: string | null };
  customCss: string | null;
  /** Page texts by key (SignIn_Title, SignIn_Description, SisuOtc_Title…), plain text with light Markdown. */
  texts: Record<string, string>;
  footerLinks: FooterLink[];
  /** Show "Forgot password?" (where the user flow offers SSPR at all). */
  showForgotPassword: boolean;
}

export const DEFAULT_BRANDING: Branding = {
  logoUrl: null,
  backgroundImageUrl: null,
  colors: { background: null, primary: null, text: null },
  customCss: null,
  texts: {},
  footerLinks: [],
  showForgotPassword: true,
};

/** `default`, or a BCP 47 language tag such as `en`, `de-DE`, `sr-Latn`, `zh-HK`. */
export const isBrandingLocale = (locale: string): boolean => locale === 'default' || /^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}$/.test(locale);

export const MAX_CSS_LENGTH = 25_000;
export const MAX_TEXT_LENGTH = 1024;

const fail = (detail: string): never => {
  throw new DomainError('invalid_branding', detail);
};

function checkUrl(field: string, value: string | null): void {
  if (value === null) return;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new DomainError('invalid_branding', `${field}: not an absolute URL.`);
  }
  if (url.protocol !== 'https:' || url.username !== '' || url.password !== '') fail(`${field}: must be an https URL without credentials.`);
}

/**
 * Custom CSS lands inside a <style> element of the hosted pages, under a strict CSP: it must not
 * close the element, pull in other sheets or scripts, or fetch from anywhere but https.
 */
function checkCss(css: string | null): void {
  if (css === null) return;
  if (css.length > MAX_CSS_LENGTH) fail(`customCss: at most ${MAX_CSS_LENGTH} characters.`);
  if (css.includes('<')) fail('customCss: may not contain "<".');
  if (/@import|expression\s*\(|javascript:|behavior\s*:|-moz-binding/i.test(css))
    fail('customCss: @import, expression(), javascript:, behavior and -moz-binding are not allowed.');
  for (const match of css.matchAll(/url\(\s*(['"]?)([^'")]*)\1\s*\)/gi)) {
    if (!/^https:\/\//i.test(match[2] ?? '')) fail('customCss: url() must point to an https URL.');
  }
}

/** Checks a branding document; throws invalid_branding naming the field. */
export function checkBranding(branding: Branding): void {
  checkUrl('logoUrl', branding.logoUrl);
  checkUrl('backgroundImageUrl', branding.backgroundImageUrl);
  for (const [name, value] of Object.entries(branding.colors)) {
    if (value !== null && !/^#[0-9a-fA-F]{6}$/.test(value)) fail(`colors.${name}: a #rrggbb colour.`);
  }
  checkCss(branding.customCss);
  for (const [key, text] of Object.entries(branding.texts)) {
    if (!/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(key)) fail(`texts.${key}: not a valid text key.`);
    if ([...text].length > MAX_TEXT_LENGTH) fail(`texts.${key}: at most ${MAX_TEXT_LENGTH} characters.`);
  }
  for (const [i, link] of branding.footerLinks.entries()) checkUrl(`footerLinks/${i}/url`, link.url);
}
