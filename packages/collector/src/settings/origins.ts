// The origins a site's pages are served from: they may send to its ingest
// key and read its CORS answers, so they are kept in one exact form
// (scheme, host and port) and compared as strings.
import { AdminError } from '../admin-error';

/** The normalised origin of a URL-ish string, or null when it is not an http(s) origin. */
export function normalizeOrigin(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) return null;
  return url.origin;
}

/** A site's origins from `--origin` values: normalised, without repeats, at least one. */
export function parseOrigins(values: string[]): string[] {
  if (values.length === 0) {
    throw new AdminError('A site needs at least one --origin, e.g. --origin https://shop.example (scheme, host and port only).');
  }
  return [
    ...new Set(
      values.map((value) => {
        const origin = normalizeOrigin(value);
        if (!origin) {
          throw new AdminError(
            `--origin ${JSON.stringify(value)} is not an origin: give scheme, host and optional port, e.g. https://shop.example or http://127.0.0.1:4173, with no path.`,
          );
        }
        return origin;
      }),
    ),
  ];
}
