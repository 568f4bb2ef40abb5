import { maskChars, maskCredentials, maskEmails, maskPersonalData, maskPhoneLinks, scrubSecretParams } from './detect';

// user:password@ in an authority
const USERINFO = /^([a-z][a-z\d+.-]*:\/\/)([^/?#@]*)@/i;

/**
 * Removes secrets from a URL without resolving or re-encoding it: values of
 * secret-looking query and fragment parameters, credentials in the authority,
 * e-mail addresses and credentials anywhere (addresses also percent-encoded),
 * and the number of a `tel:`, `sms:` or `callto:` link.
 *
 * @example
 * scrubUrl('https://shop.example/reset?token=abc&step=2'); // 'https://shop.example/reset?token=redacted&step=2'
 */
export function scrubUrl(url: string): string {
  if (!url) return url;
  let out = url;
  if (out.includes('@')) out = out.replace(USERINFO, (_all, scheme: string, info: string) => `${scheme}${maskChars(info)}@`);
  out = scrubSecretParams(out);
  out = maskEmails(out);
  out = maskCredentials(out);
  return maskPhoneLinks(out);
}

/**
 * Scrubs each URL of a `srcset` list, keeping the descriptors.
 *
 * @example
 * scrubSrcset('/a.png?sig=1 1x, /b.png 2x'); // '/a.png?sig=redacted 1x, /b.png 2x'
 */
export function scrubSrcset(srcset: string): string {
  return srcset
    .split(',')
    .map((candidate) => candidate.replace(/^(\s*)(\S+)/, (_all, space: string, url: string) => space + scrubUrl(url)))
    .join(',');
}

const CSS_URL = /url\(\s*(['"]?)(.*?)\1\s*\)/gi;
const CSS_STRING = /(["'])(?:\\.|(?!\1)[^\\\n])*\1/g;

// the content property's value up to its end (not align-content and the like;
// no lookbehind, which older Safari cannot parse)
const CSS_CONTENT = /(^|[^\w-])(content\s*:[^;}]*)/gi;

/**
 * Scrubs CSS text (style attributes, stylesheets): secrets in `url(...)`,
 * e-mail addresses anywhere, and every kind of personal data in strings,
 * where a page keeps text it shows (`content: "…"`) or passes around
 * (custom properties). With `hideText` (where page text is masked) the text
 * that `content` shows is masked like page text.
 */
export function scrubCss(css: string, hideText?: boolean): string {
  const out = maskEmails(
    css
      .replace(CSS_URL, (_all, quote: string, url: string) => `url(${quote}${scrubUrl(url)}${quote})`)
      // inside the quotes only (an address may start with a quote character),
      // and not in data: URLs, inlined images and fonts, which a detector could only garble
      .replace(CSS_STRING, (all, quote: string) => (all.startsWith('data:', 1) ? all : quote + maskPersonalData(all.slice(1, -1)) + quote)),
  );
  return hideText
    ? out.replace(
        CSS_CONTENT,
        (_all, before: string, declaration: string) =>
          before + declaration.replace(CSS_STRING, (all) => all[0] + maskChars(all.slice(1, -1)) + all[0]),
      )
    : out;
}
