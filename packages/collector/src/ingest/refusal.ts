// A refusal the ingest route answers as it is: a status, a message naming
// the problem, and headers (Retry-After). Anything else that goes wrong is
// mapped to a status by the route's error handler (http.ts).

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly headers: Record<string, string> = {},
    /** Whether a page on a configured origin may read this refusal. */
    readonly showToKnownOrigins = true,
    /** More fields of the JSON answer, next to `error` (the site's settings). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** Seconds a client waits after a 503 before retrying. */
export const STORAGE_RETRY_AFTER = 5;

/** The database failed: nothing was written, and the client keeps the batch and retries. */
export const storageUnavailable = () =>
  new HttpError(503, 'storage is unavailable; retry later', { 'Retry-After': String(STORAGE_RETRY_AFTER) });

/** A rate limit's refusal. */
export const tooManyRequests = (what: string, retryAfterSeconds: number) =>
  new HttpError(429, `too many requests ${what}; retry after the Retry-After delay`, {
    'Retry-After': String(retryAfterSeconds),
  });

/** The per-address byte budget's refusal. */
export const tooManyBytes = (retryAfterSeconds: number) =>
  new HttpError(429, 'too many bytes of batches from this address; retry after the Retry-After delay', {
    'Retry-After': String(retryAfterSeconds),
  });
