/** `url` resolved against the page's location, not against a <base> element that points at a CDN. */
function onPage(url: string, relativeTo?: string): string {
  return typeof location === 'undefined' ? url : new URL(url, relativeTo ?? location.href).href;
}

/** `url` with the site key as a query parameter (before any fragment). */
function withKey(url: string, siteKey: string | undefined): string {
  if (!siteKey) return url;
  const hash = url.indexOf('#');
  const base = hash < 0 ? url : url.slice(0, hash);
  return `${base}${base.includes('?') ? '&' : '?'}siteKey=${encodeURIComponent(siteKey)}`;
}

/**
 * The URL a batch is sent to. A path on the page's own site ('/api/veil') is
 * resolved against the page's location. The key rides in the URL as well as
 * in the body (protocol 1.1): a receiver can refuse a request for an unknown
 * key before it reads, inflates or parses the body. A query parameter keeps
 * the request "simple" (no CORS preflight) and works for sendBeacon, where a
 * header would not.
 */
export function ingestUrl(url: string, siteKey: string | undefined): string {
  return withKey(onPage(url), siteKey);
}

/**
 * Where the site's settings are read (protocol 1.2): the `settings` option, or
 * the ingest URL's sibling `settings`; `null` without a site key (a receiver
 * knows a site by its key) or with `settings: false`.
 */
export function settingsUrl(options: { url: string; siteKey?: string; settings?: string | false }): string | null {
  if (options.settings === false || !options.siteKey || typeof location === 'undefined') return null;
  const url = options.settings ? onPage(options.settings) : new URL('settings', onPage(options.url)).href;
  return withKey(url, options.siteKey);
}
