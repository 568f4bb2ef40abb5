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
}

interface Queued {
  seq: number;
  events: number;
  /** The batch as JSON; the drop count is added when it is first sent. */
  text: string;
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
 * const transport = createUrlTransport({ url: 'https://collector.example.com/v1/ingest', siteKey: 'site_123' });
 * createRecorder({ transport });
 */
export function createUrlTransport(options: UrlTransportOptions, env: UrlTransportEnvironment = {}): Transport {
  const doFetch = env.fetch ?? ((input, init) => fetch(input, init));
  const random = env.random ?? Math.random;
  const later = env.setTimeout ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const cancel = env.clearTimeout ?? ((h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>));
  const now = env.now ?? Date.now;
  const report = env.report ?? (() => undefined);
  const headers = { 'content-type': 'text/plain;charset=UTF-8', ...options.headers };
  const maxQueueBytes = options.maxQueueBytes ?? 2 * 1024 * 1024;

  const queue: Queued[] = [];
  let queuedBytes = 0;
  let dropped = { batches: 0, events: 0 };
  let busy = false;
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

  /** The request body: the drop count so far rides with the first batch sent after the drops. */
  async function bodyOf(entry: Queued): Promise<Uint8Array | string> {
    if (!entry.body) {
      let text = entry.text;
      if (dropped.batches) {
        entry.carried = dropped;
        dropped = { batches: 0, events: 0 };
        text = `{"dropped":${JSON.stringify(entry.carried)},${text.slice(1)}`;
      }
      entry.body = await gzip(text);
      entry.bytes = typeof entry.body === 'string' ? encoder.encode(entry.body).length : entry.body.byteLength;
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
      const before = item.bytes;
      const body = await bodyOf(item);
      queuedBytes += item.bytes - before;
      const keepalive = item.bytes <= KEEPALIVE_LIMIT - keepaliveInFlight;
      if (keepalive) keepaliveInFlight += item.bytes;
      let res: Response;
      try {
        res = await doFetch(options.url, { method: 'POST', body: body as BodyInit, headers, keepalive, credentials: 'omit', mode: 'cors' });
      } finally {
        if (keepalive) keepaliveInFlight -= item.bytes;
      }
      if (res.ok) {
        remove(item);
      } else if (res.status === 408 || res.status === 429 || res.status >= 500) {
        retryIn = retryAfterMs(res.headers.get('retry-after'), now());
        if (retryIn === undefined) retryIn = backoff(item.attempt);
        item.attempt++;
      } else {
        remove(item);
        // the receiver can tell a refused batch from a lost one only by this count
        dropped.batches += 1 + (item.carried?.batches ?? 0);
        dropped.events += item.events + (item.carried?.events ?? 0);
        report(new Error(`[veil] the ingest endpoint refused batch ${item.seq} with status ${res.status}; it is dropped, not retried.`));
      }
    } catch {
      // offline, DNS, CORS or a reset connection: all worth another try
      retryIn = backoff(item.attempt);
      item.attempt++;
    } finally {
      busy = false;
    }
    if (retryIn !== undefined) schedule(retryIn);
    settle();
    if (retryIn === undefined) void pump();
  }

  function backoff(attempt: number): number {
    // full jitter: anywhere up to the exponential ceiling, so clients do not retry in step
    const ceiling = Math.min(MAX_DELAY, BASE_DELAY * 2 ** attempt);
    return Math.max(100, Math.floor(random() * ceiling));
  }

  function beacon(body: BodyInit, bytes: number): boolean {
    if (bytes > KEEPALIVE_LIMIT || typeof navigator === 'undefined' || !navigator.sendBeacon) return false;
    try {
      return navigator.sendBeacon(options.url, new Blob([body as BlobPart], { type: 'text/plain;charset=UTF-8' }));
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
      // the page may be gone before a compression finishes: send queued batches
      // (already compressed) and this one as plain JSON, by beacon where they fit
      for (const entry of queue.slice()) {
        if (entry !== queue[0] || !busy) {
          if (beacon((entry.body ?? entry.text) as BodyInit, entry.bytes)) remove(entry);
        }
      }
      const last = item(batch);
      if (!beacon(last.text, last.bytes)) {
        enqueue(last);
        void pump();
      }
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
