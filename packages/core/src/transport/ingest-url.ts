/**
 * The URL a batch is sent to. A path on the page's own site ('/api/veil') is
 * resolved against the page's location, not against a <base> element that
 * points at a CDN. The key rides in the URL as well as in the body (protocol
 * 1.1): a receiver can refuse a request for an unknown key before it reads,
 * inflates or parses the body. A query parameter keeps the request "simple"
 * (no CORS preflight) and works for sendBeacon, where a header would not.
 */
export function ingestUrl(url: string, siteKey: string | undefined): string {
  const resolved = typeof location === 'undefined' ? url : new URL(url, location.href).href;
  if (!siteKey) return resolved;
  const hash = resolved.indexOf('#');
  const base = hash < 0 ? resolved : resolved.slice(0, hash);
  return `${base}${base.includes('?') ? '&' : '?'}siteKey=${encodeURIComponent(siteKey)}`;
}
