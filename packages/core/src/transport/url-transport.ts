// The ingest transport: batches leave the page compressed, in order, and
// survive a flaky network without blocking the page or growing without bound.
// docs/protocol.md is the contract a receiver implements.
import type { RecordingBatch } from '../engine/protocol';
import type { Transport, UrlTransportOptions } from './types';

/** What a receiver must accept in one request, and what keepalive and sendBeacon allow. */
export const KEEPALIVE_LIMIT = 60 * 1024;

export interface UrlTransportEnvironment {
  fetch?: typeof fetch;
  random?: () => number;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
  now?: () => number;
  /** Called for failures the page should hear about (never thrown). */
  report?: (error: unknown) => void;
  /**
   * The `settings` of each answer that carries them (protocol 1.2), as the
   * receiver sent them: the recorder reads them (engine/site-settings.ts).
   */
  onSettings?: (settings: unknown) => void;
}

interface Queued {
  seq: number;
  events: number;
  /** The batch as JSON; the drop count is added when it is first sent (`sealed`). */
  text: string;
  sealed?: boolean;
  bytes: number;
  /** Compressed once, when first sent, and reused for retries. */
  body?: Uint8Array | string;
  /** The drop count this batch carries, to be counted again if it is dropped itself. */
  carried?: { batches: number; events: number };
  attempt: number;
}

const BASE_DELAY = 1000;
const MAX_DELAY = 60_000;
const encoder = /* @__PURE__ */ new TextEncoder();

async function gzip(text: string): Promise<Uint8Array | string> {
  if (typeof CompressionStream === 'undefined') return text;
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The `settings` an ingest answer carries, if it is JSON and has them. */
async function settingsIn(res: Response): Promise<unknown> {
  if (!/json/i.test(res.headers.get('content-type') ?? '')) return undefined;
  try {
    return ((await res.json()) as { settings?: unknown } | null)?.settings;
  } catch {
    return undefined;
  }
}

/**
 * Asks the collector for the site's settings (docs/protocol.md, "Site
 * settings"), as it sends them; `null` when there are none to be had: a
 * receiver that does not serve them, an unknown key, a network error.
 */
export async function fetchSiteSettings(url: string, env: Pick<UrlTransportEnvironment, 'fetch'> = {}): Promise<unknown> {
  const doFetch = env.fetch ?? ((input, init) => fetch(input, init));
  try {
    const res = await doFetch(url, { method: 'GET', credentials: 'omit', mode: 'cors', cache: 'no-store' });
    return res.ok ? await res.json() : null;
  } catch {
    return null;
  }
}

/** Seconds or an HTTP date, as `Retry-After` allows; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Creates the transport behind `transport: 'https://…'` and `transport: { url, headers, siteKey }`.
 * Requests are sent one at a time so batches arrive in order; a failed one is
 * retried with exponential backoff and jitter (network errors, 408, 429 with
 * `Retry-After`, 5xx), a refused one (other 4xx) is dropped and reported.
 * While the receiver is unreachable at most 2 MiB is held: the oldest whole
 * batches are dropped and counted, and the count travels with the next batch.
 *
 * @example
 * const transport = createUrlTransport({ url: ingestUrl('https://collector.example.com/v1/ingest', 'site_123'), siteKey: 'site_123' });
 * createRecorder({ transport });
 */
export function createUrlTransport(options: UrlTransportOptions, env: UrlTransportEnvironment = {}): Transport {
  const doFetch = env.fetch ?? ((input, init) => fetch(input, init));
  const random = env.random ?? Math.random;
  const later = env.setTimeout ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const cancel = env.clearTimeout ?? ((h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>));
  const now = env.now ?? Date.now;
  const report = env.report ?? (() => undefined);
  const heard = async (res: Response) => {
    const settings = env.onSettings && (await settingsIn(res));
    if (settings !== undefined) env.onSettings!(settings);
  };
  const headers = { 'content-type': 'text/plain;charset=UTF-8', ...options.headers };
  const maxQueueBytes = options.maxQueueBytes ?? 2 * 1024 * 1024;
  // resolved, with the key in it, by the loader (lazy.ts: ingestUrl)
  const url = options.url;

  const queue: Queued[] = [];
  let queuedBytes = 0;
  let dropped = { batches: 0, events: 0 };
  let busy = false;
  // the head's request, once made: a keepalive one outlives the page, another may not
  let sending: { item: Queued; keepalive: boolean } | undefined;
  let timer: unknown;
  let keepaliveInFlight = 0;
  const idle: (() => void)[] = [];

  function item(batch: RecordingBatch): Queued {
    const text = JSON.stringify(options.siteKey ? { ...batch, siteKey: options.siteKey } : batch);
    return { seq: batch.seq, events: batch.events.length, text, bytes: encoder.encode(text).length, attempt: 0 };
  }

  function enqueue(entry: Queued) {
    queue.push(entry);
    queuedBytes += entry.bytes;
    // keep the newest: drop whole batches from the front, never the one being sent
    while (queuedBytes > maxQueueBytes && queue.length > 1) {
      const victim = busy ? queue.splice(1, 1)[0] : queue.shift()!;
      queuedBytes -= victim.bytes;
      dropped.batches += 1 + (victim.carried?.batches ?? 0);
      dropped.events += victim.events + (victim.carried?.events ?? 0);
    }
  }

  /** Sets an entry's size, keeping the queue's total right while it is queued. */
  function resize(entry: Queued, bytes: number) {
    if (queue.includes(entry)) queuedBytes += bytes - entry.bytes;
    entry.bytes = bytes;
  }

  /** The batch's final JSON: the drop count so far rides with the first batch sent after the drops. */
  function seal(entry: Queued): string {
    if (!entry.sealed) {
      entry.sealed = true;
      if (dropped.batches) {
        entry.carried = dropped;
        dropped = { batches: 0, events: 0 };
        entry.text = `{"dropped":${JSON.stringify(entry.carried)},${entry.text.slice(1)}`;
        resize(entry, encoder.encode(entry.text).length);
      }
    }
    return entry.text;
  }

  /** The request body, compressed once and reused for retries. */
  async function bodyOf(entry: Queued): Promise<Uint8Array | string> {
    if (!entry.body) {
      const body = await gzip(seal(entry));
      entry.body = body;
      resize(entry, typeof body === 'string' ? encoder.encode(body).length : body.byteLength);
    }
    return entry.body;
  }

  // flush() waits for one attempt at everything queued, not through an outage's retries
  function settle() {
    if (!busy && (!queue.length || timer !== undefined)) for (const done of idle.splice(0)) done();
  }

  function remove(item: Queued) {
    const i = queue.indexOf(item);
    if (i >= 0) {
      queue.splice(i, 1);
      queuedBytes -= item.bytes;
    }
  }

  function schedule(ms: number) {
    if (timer !== undefined) cancel(timer);
    timer = later(() => {
      timer = undefined;
      void pump();
    }, ms);
  }

  async function pump(): Promise<void> {
    if (busy || timer !== undefined) return;
    const item = queue[0];
    if (!item) return settle();
    busy = true;
    let retryIn: number | undefined;
    try {
      retryIn = await attempt(item);
    } finally {
      busy = false;
    }
    if (retryIn !== undefined) schedule(retryIn);
    settle();
    if (retryIn === undefined) void pump();
  }

  /** One try at sending `item`: the delay before the next try when it must be retried. */
  async function attempt(item: Queued): Promise<number | undefined> {
    try {
      const body = await bodyOf(item);
      // the page hid while this compressed, and sent the batch by beacon
      if (!queue.includes(item)) return undefined;
      const keepalive = item.bytes <= KEEPALIVE_LIMIT - keepaliveInFlight;
      if (keepalive) keepaliveInFlight += item.bytes;
      sending = { item, keepalive };
      let res: Response;
      try {
        res = await doFetch(url, { method: 'POST', body: body as BodyInit, headers, keepalive, credentials: 'omit', mode: 'cors' });
      } finally {
        sending = undefined;
        if (keepalive) keepaliveInFlight -= item.bytes;
      }
      if (res.ok) {
        remove(item);
        await heard(res);
        return undefined;
      }
      if (res.status === 408 || res.status === 429 || res.status >= 500) {
        const retryIn = retryAfterMs(res.headers.get('retry-after'), now()) ?? backoff(item.attempt);
        item.attempt++;
        return retryIn;
      }
      remove(item);
      // a site whose recording was switched off refuses with its settings, which stop the recorder
      await heard(res);
      // the receiver can tell a refused batch from a lost one only by this count
      dropped.batches += 1 + (item.carried?.batches ?? 0);
      dropped.events += item.events + (item.carried?.events ?? 0);
      report(new Error(`[veil] the ingest endpoint refused batch ${item.seq} with status ${res.status}; it is dropped, not retried.`));
      return undefined;
    } catch {
      // offline, DNS, CORS or a reset connection: all worth another try
      return backoff(item.attempt++);
    }
  }

  function backoff(attempt: number): number {
    // full jitter: anywhere up to the exponential ceiling, so clients do not retry in step
    const ceiling = Math.min(MAX_DELAY, BASE_DELAY * 2 ** attempt);
    return Math.max(100, Math.floor(random() * ceiling));
  }

  /**
   * The page may be gone before a compression or a retry's timer finishes:
   * every queued batch goes now by beacon, compressed if it already is, as
   * JSON if not, except one whose keepalive request is already on its way.
   * A beacon the browser refuses (too large) leaves its batch queued.
   */
  function sendQueuedNow() {
    for (const entry of queue.slice()) {
      if (sending?.item === entry && sending.keepalive) continue;
      const body = entry.body ?? seal(entry);
      if (beacon(body as BodyInit, entry.bytes)) remove(entry);
    }
  }

  function beacon(body: BodyInit, bytes: number): boolean {
    if (bytes > KEEPALIVE_LIMIT || typeof navigator === 'undefined' || !navigator.sendBeacon) return false;
    try {
      return navigator.sendBeacon(url, new Blob([body as BlobPart], { type: 'text/plain;charset=UTF-8' }));
    } catch {
      return false;
    }
  }

  return {
    send(batch) {
      enqueue(item(batch));
      void pump();
    },
    sendFinal(batch) {
      enqueue(item(batch));
      sendQueuedNow();
      // what no beacon took is sent as usual, for as long as the page lives
      void pump();
    },
    leaving() {
      sendQueuedNow();
      void pump();
    },
    flush() {
      return new Promise<void>((resolve) => {
        idle.push(resolve);
        settle();
      });
    },
    close(discard) {
      if (!discard) return;
      if (timer !== undefined) cancel(timer);
      timer = undefined;
      queue.length = 0;
      queuedBytes = 0;
      settle();
    },
  };
}
