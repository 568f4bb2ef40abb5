// POST /v1/ingest as docs/protocol.md describes it. Every refusal is a 4xx
// with `{ "error": "…" }` naming the problem; anything the database gets wrong
// is a 503 with Retry-After so the client keeps the batch and retries.
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip, gunzip } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RecordedEvent } from '@veil/core';
import { allowOrigin, answerPreflight } from './cors';
import { TokenBuckets, type RateLimit } from './rate-limit';
import type { ScrubSessions } from './scrub-sessions';
import type { Storage } from './storage/types';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

export const PROTOCOL_VERSION = 1;
export const DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024;
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 50 * 1024 * 1024;
/** Seconds a client waits after a 503 before retrying. */
const STORAGE_RETRY_AFTER = 5;

export interface IngestOptions {
  storage: Storage;
  scrubSessions: ScrubSessions;
  /** Per client IP; `false` turns it off. */
  ipRateLimit: RateLimit | false;
  /** Per site (ingest key); `false` turns it off. */
  keyRateLimit: RateLimit | false;
  maxBodyBytes?: number;
  maxDecompressedBytes?: number;
  now?: () => number;
  log?: (message: string, error?: unknown) => void;
}

/** The ingest key as stored: keys are random (≥ 128 bits), so a plain SHA-256 is enough. */
export const hashKey = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly headers: Record<string, string> = {},
    /** Whether a page on a configured origin may read this refusal. */
    readonly showToKnownOrigins = true,
  ) {
    super(message);
  }
}

interface Batch {
  v: number;
  sessionId: string;
  seq: number;
  siteKey?: string;
  visitorId?: string;
  dropped?: { batches?: number; events?: number };
  events: RecordedEvent[];
}

const batchSchema = {
  type: 'object',
  required: ['v', 'sessionId', 'seq', 'events'],
  properties: {
    v: { type: 'integer' },
    sessionId: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[\\x21-\\x7e]+$' },
    seq: { type: 'integer', minimum: 0, maximum: 2147483647 },
    siteKey: { type: 'string', maxLength: 256 },
    visitorId: { type: 'string', minLength: 1, maxLength: 128 },
    dropped: {
      type: 'object',
      properties: {
        batches: { type: 'integer', minimum: 0 },
        events: { type: 'integer', minimum: 0 },
      },
    },
    events: {
      type: 'array',
      maxItems: 100000,
      items: {
        type: 'object',
        required: ['type', 'timestamp'],
        properties: { type: { type: 'integer' }, timestamp: { type: 'number' } },
      },
    },
  },
} as const;

/** Sniffs and decodes a request body: gzip by its magic bytes, else JSON starting with `{`. */
export async function decodeBody(body: Buffer, maxDecompressedBytes: number): Promise<unknown> {
  if (body.length === 0) throw new HttpError(400, 'the body is empty: send one batch as gzip-compressed or plain JSON');
  let text: string;
  if (body[0] === 0x1f && body[1] === 0x8b) {
    let inflated: Buffer;
    try {
      inflated = await gunzipAsync(body, { maxOutputLength: maxDecompressedBytes });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new HttpError(413, `the body decompresses to more than ${maxDecompressedBytes} bytes; send smaller batches`);
      }
      throw new HttpError(400, 'the body starts like gzip (1f 8b) but does not decompress: it is truncated or corrupt');
    }
    text = inflated.toString('utf8');
  } else {
    text = body.toString('utf8');
    if (!/^\s*\{/.test(text.slice(0, 64))) {
      throw new HttpError(415, 'the body is neither gzip (starting with bytes 1f 8b) nor a JSON object (starting with "{")');
    }
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, `the body is not valid JSON: ${(error as Error).message}`);
  }
}

function summarize(events: RecordedEvent[]) {
  let first: number | null = null;
  let last: number | null = null;
  let pages = 0;
  let hasFullSnapshot = false;
  for (const event of events) {
    const t = event.timestamp;
    if (typeof t === 'number' && Number.isFinite(t)) {
      if (first === null || t < first) first = t;
      if (last === null || t > last) last = t;
    }
    if (event.type === 2) hasFullSnapshot = true;
    if (event.type === 4) pages += 1;
    if (event.type === 5 && (event.data as { tag?: unknown } | null)?.tag === 'veil.navigation') pages += 1;
  }
  return { first, last, pages, hasFullSnapshot };
}

/** Registers OPTIONS and POST /v1/ingest in their own encapsulated context (own body parser). */
export async function ingestPlugin(app: FastifyInstance, options: IngestOptions): Promise<void> {
  const { storage, scrubSessions } = options;
  const now = options.now ?? Date.now;
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxDecompressed = options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
  const ipBuckets = options.ipRateLimit ? new TokenBuckets(options.ipRateLimit, now) : null;
  const keyBuckets = options.keyRateLimit ? new TokenBuckets(options.keyRateLimit, now) : null;
  const log = options.log ?? (() => undefined);

  // Whatever the content type says (text/plain from browsers, or nothing), the
  // body is sniffed: the protocol has no Content-Encoding.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: maxBody }, async (_request: FastifyRequest, body: Buffer) =>
    decodeBody(body, maxDecompressed),
  );

  /**
   * Refusals are shown to the page only when its origin belongs to some site:
   * a client whose key is wrong then sees the 4xx and drops the batch, where a
   * hidden answer would look like a network error and be retried for ever.
   */
  async function corsForRefusal(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const origin = request.headers.origin;
    if (!origin || reply.hasHeader('Access-Control-Allow-Origin')) return;
    try {
      if (await storage.isKnownOrigin(origin)) allowOrigin(reply, origin);
    } catch {
      /* the database is down: the refusal goes out without CORS */
    }
  }

  app.setErrorHandler(async (error: any, request, reply) => {
    let status = 500;
    let message = 'internal error';
    let headers: Record<string, string> = {};
    if (error instanceof HttpError) {
      status = error.statusCode;
      message = error.message;
      headers = error.headers;
    } else if (error.validation) {
      status = 400;
      message = `invalid batch: ${error.message.replace(/^body\/?/, '')}`;
    } else if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      status = 413;
      message = `the body is larger than ${maxBody} bytes; send smaller batches`;
    } else if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      status = error.statusCode;
      message = error.message;
    } else {
      log('ingest failed', error);
    }
    if (!(error instanceof HttpError) || error.showToKnownOrigins) await corsForRefusal(request, reply);
    reply.code(status).headers(headers).header('Cache-Control', 'no-store').send({ error: message });
  });

  app.options('/v1/ingest', async (request, reply) => {
    reply.header('Vary', 'Origin');
    const origin = request.headers.origin;
    let known = false;
    if (origin) {
      try {
        known = await storage.isKnownOrigin(origin);
      } catch (error) {
        throw new HttpError(503, 'storage is unavailable; retry later', { 'Retry-After': String(STORAGE_RETRY_AFTER) });
      }
    }
    if (!origin || !known) {
      return reply.code(403).send({ error: `origin ${origin ?? '(none)'} is not configured for any site` });
    }
    answerPreflight(reply, origin, request.headers['access-control-request-headers'] as string | undefined);
    return reply.code(204).send();
  });

  app.post<{ Body: Batch }>(
    '/v1/ingest',
    {
      schema: { body: batchSchema },
      onRequest: async (request) => {
        if (!ipBuckets) return;
        const taken = ipBuckets.take(request.ip);
        if (!taken.ok) {
          throw new HttpError(429, 'too many requests from this address; retry after the Retry-After delay', {
            'Retry-After': String(taken.retryAfterSeconds),
          });
        }
      },
      // Before schema validation: a batch of another version may not match v1's schema at all.
      preValidation: async (request) => {
        const v = (request.body as { v?: unknown } | null)?.v;
        if (request.body && typeof request.body === 'object' && v !== undefined && v !== PROTOCOL_VERSION) {
          throw new HttpError(400, `unknown protocol version ${JSON.stringify(v)}: this collector speaks version ${PROTOCOL_VERSION}`);
        }
      },
    },
    async (request, reply) => {
      reply.header('Vary', 'Origin');
      reply.header('Cache-Control', 'no-store');
      const batch = request.body;
      if (!batch.siteKey) {
        throw new HttpError(401, 'siteKey is missing: give the transport the ingest key `veil-collector site add` printed');
      }
      const unavailable = () =>
        new HttpError(503, 'storage is unavailable; retry later', { 'Retry-After': String(STORAGE_RETRY_AFTER) });
      let site;
      try {
        site = await storage.getSiteByKeyHash(hashKey(batch.siteKey));
      } catch (error) {
        log('site lookup failed', error);
        throw unavailable();
      }
      if (!site) throw new HttpError(401, 'unknown siteKey: no site has this ingest key');

      const origin = request.headers.origin;
      if (origin !== undefined) {
        if (!site.origins.includes(origin)) {
          // Deliberately without CORS headers: this origin may not read anything of this site.
          throw new HttpError(403, `origin ${origin} is not allowed to send to this site; add it with \`veil-collector site origins\``, {}, false);
        }
        allowOrigin(reply, origin);
      }
      if (keyBuckets) {
        const taken = keyBuckets.take(String(site.id));
        if (!taken.ok) {
          throw new HttpError(429, 'too many requests for this site; retry after the Retry-After delay', {
            'Retry-After': String(taken.retryAfterSeconds),
          });
        }
      }

      const receivedAt = now();
      let outcome;
      try {
        outcome = await scrubSessions.process(site, batch.sessionId, batch.seq, batch.events, async (scrubbed) => {
          const summary = summarize(scrubbed);
          const blob = await gzipAsync(JSON.stringify(scrubbed));
          return storage.writeBatch({
            siteId: site.id,
            sessionId: batch.sessionId,
            seq: batch.seq,
            visitorId: batch.visitorId ?? null,
            receivedAt,
            blob,
            eventCount: scrubbed.length,
            firstTimestamp: summary.first,
            lastTimestamp: summary.last,
            pages: summary.pages,
            hasFullSnapshot: summary.hasFullSnapshot,
            droppedBatches: batch.dropped?.batches ?? 0,
            droppedEvents: batch.dropped?.events ?? 0,
          });
        });
      } catch (error) {
        log('storing a batch failed', error);
        throw unavailable();
      }
      if (outcome.duplicate) return reply.code(200).send({ ok: true, duplicate: true });
      const gap = outcome.result.stored ? outcome.result.gap : null;
      return reply.code(200).send({ ok: true, ...(gap ? { gap: { expected: gap.expectedSeq, received: gap.receivedSeq } } : {}) });
    },
  );
}
