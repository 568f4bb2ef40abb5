// POST /v1/ingest as docs/protocol.md describes it: the door. It reads and
// validates the body, checks the key, the origin and the rate limits, hands
// the batch to the recordings pipeline and turns its outcome into an answer.
// Every refusal is a 4xx with `{ "error": "…" }` naming the problem; anything
// the database gets wrong is a 503 with Retry-After so the client keeps the
// batch and retries.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RebuildLimited, type Recordings } from '../recordings/recordings';
import { TokenBuckets, type RateLimit } from '../rate-limit';
import type { Site, Storage } from '../storage/types';
import { readBody } from './body';
import { allowOrigin, answerPreflight } from './cors';
import { hashKey } from './keys';
import { HttpError, storageUnavailable, tooManyBytes, tooManyRequests } from './refusal';
import { remoteSettings } from '../settings/site-settings';
import type { Decoded } from '../recordings/batch-processor';

export const DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024;
/**
 * A batch holds at most 500 events (the recorder's maxBatchEvents); the
 * largest is the first full snapshot of a page, a few MiB for pages of tens
 * of thousands of nodes. 16 MiB leaves room for a very large page while a
 * hostile body cannot make the server hold and parse 50.
 */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 16 * 1024 * 1024;
/** rrweb JSON compresses 5–30:1; a deflate bomb about 1000:1. */
export const DEFAULT_MAX_COMPRESSION_RATIO = 100;
/**
 * A body whose key is only inside it (older recorders, and the beacon the
 * core's lazy transport sends before the transport has loaded) must be read
 * to find the key: only plain JSON this small is, byte for byte what the
 * sender sent (a beacon carries at most 64 KiB).
 */
export const BODY_KEY_MAX_BYTES = 64 * 1024;
/**
 * Batches being parsed, scrubbed or stored at once, per ingest worker (or in
 * all, on the main thread). Memory is bounded by the bytes below; this bounds
 * how long the last of many small batches waits for a worker.
 */
export const DEFAULT_QUEUED_BATCHES_PER_WORKER = 64;
/**
 * Inflated bytes of the batches in hand, per ingest worker (or in all, on the
 * main thread). A worker parses one batch at a time, so this is mostly bodies
 * waiting for their worker; the default holds two of the largest batches the
 * default --max-batch-bytes lets in, or hundreds of ordinary ones.
 */
export const DEFAULT_QUEUED_BYTES_PER_WORKER = 32 * 1024 * 1024;
/** Seconds a client waits after a 503 because the collector had too many batches in hand. */
export const BUSY_RETRY_AFTER = 2;

export interface IngestOptions {
  /** For the site look-up by key and the origin checks. */
  storage: Storage;
  recordings: Recordings;
  /** Per client IP; `false` turns it off. */
  ipRateLimit: RateLimit | false;
  /** Per site (ingest key); `false` turns it off. */
  keyRateLimit: RateLimit | false;
  /**
   * Inflated bytes per client IP, in bytes per second and a burst of bytes;
   * `false` turns it off. An address with any budget left is let in, and its
   * batch spends its whole size, into debt if need be.
   */
  ipBytesRateLimit: RateLimit | false;
  maxBodyBytes?: number;
  maxDecompressedBytes?: number;
  maxCompressionRatio?: number;
  /**
   * Most batches in hand at once (between their body's last byte and their
   * answer); one more is answered 503 with Retry-After before any work.
   */
  maxQueuedBatches: number;
  /**
   * Most inflated bytes of the batches in hand at once; a batch that would
   * go over is answered 503 with Retry-After, unless nothing is in hand (so
   * any batch the size limits let in is taken eventually).
   */
  maxQueuedBytes: number;
  now?: () => number;
  log?: (message: string, error?: unknown) => void;
}

const ingestBusy = () =>
  new HttpError(503, 'the collector has too many batches in hand; retry after the Retry-After delay', {
    'Retry-After': String(BUSY_RETRY_AFTER),
  });

const keyMissingForLargeBody = () =>
  new HttpError(
    401,
    `siteKey is missing from the URL: a body over ${BODY_KEY_MAX_BYTES} bytes is only read for a known key; send to /v1/ingest?siteKey=<key> (@veil/core does)`,
  );

/** Registers OPTIONS and POST /v1/ingest in their own encapsulated context (own body parser). */
export async function ingestPlugin(app: FastifyInstance, options: IngestOptions): Promise<void> {
  const { storage, recordings } = options;
  const now = options.now ?? Date.now;
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxDecompressed = options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
  const maxRatio = options.maxCompressionRatio ?? DEFAULT_MAX_COMPRESSION_RATIO;
  const ipBuckets = options.ipRateLimit ? new TokenBuckets(options.ipRateLimit, now) : null;
  const keyBuckets = options.keyRateLimit ? new TokenBuckets(options.keyRateLimit, now) : null;
  const ipByteBuckets = options.ipBytesRateLimit ? new TokenBuckets(options.ipBytesRateLimit, now) : null;
  const log = options.log ?? (() => undefined);
  const maxQueued = options.maxQueuedBatches;
  const maxQueuedBytes = options.maxQueuedBytes;
  let inHand = 0;
  let bytesInHand = 0;
  /** Whether a batch of `bytes` (as far as known) finds no place now. */
  const full = (bytes: number) => inHand >= maxQueued || (inHand > 0 && bytesInHand + bytes > maxQueuedBytes);

  // The site of a request whose key came in the URL, found before its body is read.
  const sites = new WeakMap<FastifyRequest, Site>();

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', async (request: FastifyRequest, payload: any) => {
    const keyed = sites.has(request);
    try {
      return await readBody(payload, {
        maxBodyBytes: keyed ? maxBody : BODY_KEY_MAX_BYTES,
        maxDecompressedBytes: keyed ? maxDecompressed : BODY_KEY_MAX_BYTES,
        maxCompressionRatio: maxRatio,
        allowGzip: keyed,
        raw: true,
      });
    } catch (error) {
      // a chunked body without Content-Length finds out here what onRequest could not tell
      if (!keyed && error instanceof HttpError && error.statusCode === 413) throw keyMissingForLargeBody();
      // a body over the limits made the server read and inflate up to them: its sender pays for that much
      if (error instanceof HttpError && error.statusCode === 413) ipByteBuckets?.spend(request.ip, maxDecompressed);
      throw error;
    }
  });

  async function siteOf(key: string): Promise<Site> {
    let site;
    try {
      site = await storage.getSiteByKeyHash(hashKey(key));
    } catch (error) {
      log('site lookup failed', error);
      throw storageUnavailable();
    }
    if (!site) throw new HttpError(401, 'unknown siteKey: no site has this ingest key');
    return site;
  }

  /** The origin and per-site checks, answered before any of the body is read when the key is in the URL. */
  function admit(site: Site, request: FastifyRequest, reply: FastifyReply): void {
    const origin = request.headers.origin;
    if (origin !== undefined) {
      if (!site.origins.includes(origin)) {
        // Deliberately without CORS headers: this origin may not read anything of this site.
        throw new HttpError(
          403,
          `origin ${origin} is not allowed to send to this site; add it with \`veil-collector site origins\``,
          {},
          false,
        );
      }
      allowOrigin(reply, origin);
    }
    const taken = keyBuckets?.take(String(site.id));
    if (taken && !taken.ok) throw tooManyRequests('for this site', taken.retryAfterSeconds);
    if (!site.recording) {
      // 403: a 4xx the transport drops without retrying; the settings tell the recorder to stop
      throw new HttpError(403, 'recording is switched off for this site', {}, false, { settings: remoteSettings(site) });
    }
  }

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
    let extra: Record<string, unknown> = {};
    if (error instanceof HttpError) {
      status = error.statusCode;
      message = error.message;
      headers = error.headers;
      extra = error.extra;
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
    // The database is down, so whether the origin is known cannot be asked; the
    // answer says nothing about any site, and without CORS the page could not
    // read its Retry-After and would retry at once.
    const origin = request.headers.origin;
    if (status === 503 && origin && !reply.hasHeader('Access-Control-Allow-Origin')) allowOrigin(reply, origin);
    reply
      .code(status)
      .headers(headers)
      .header('Cache-Control', 'no-store')
      .send({ error: message, ...extra });
  });

  // GET /v1/settings?siteKey=…: what the recorder obeys (docs/protocol.md, protocol 1.2).
  app.get('/v1/settings', async (request, reply) => {
    reply.header('Vary', 'Origin');
    reply.header('Cache-Control', 'no-store');
    const taken = ipBuckets?.take(request.ip);
    if (taken && !taken.ok) throw tooManyRequests('from this address', taken.retryAfterSeconds);
    const key = (request.query as Record<string, unknown>).siteKey;
    if (typeof key !== 'string' || key === '' || key.length > 256) {
      throw new HttpError(400, 'siteKey is missing: ask for /v1/settings?siteKey=<the ingest key `veil-collector site add` printed>');
    }
    let site;
    try {
      site = await storage.getSiteByKeyHash(hashKey(key));
    } catch (error) {
      log('site lookup failed', error);
      throw storageUnavailable();
    }
    // 404, as from a receiver without settings: the recorder keeps its own options
    if (!site) throw new HttpError(404, 'unknown siteKey: no site has this ingest key');
    const origin = request.headers.origin;
    if (origin !== undefined) {
      if (!site.origins.includes(origin)) {
        throw new HttpError(403, `origin ${origin} is not one of this site's origins; add it in the site's settings`, {}, false);
      }
      allowOrigin(reply, origin);
    }
    return reply.code(200).send(remoteSettings(site));
  });

  // A preflight carries no key: answered for any origin some site lists. The
  // settings GET is preflighted when the transport sends extra headers.
  for (const [url, method] of [
    ['/v1/ingest', 'POST'],
    ['/v1/settings', 'GET'],
  ]) {
    app.options(url, async (request, reply) => {
      reply.header('Vary', 'Origin');
      const origin = request.headers.origin;
      let known = false;
      if (origin) {
        try {
          known = await storage.isKnownOrigin(origin);
        } catch {
          throw storageUnavailable();
        }
      }
      if (!origin || !known) {
        return reply.code(403).send({ error: `origin ${origin ?? '(none)'} is not configured for any site` });
      }
      answerPreflight(reply, origin, request.headers['access-control-request-headers'] as string | undefined, method);
      return reply.code(204).send();
    });
  }

  app.post(
    '/v1/ingest',
    {
      onRequest: async (request, reply) => {
        const taken = ipBuckets?.take(request.ip);
        if (taken && !taken.ok) throw tooManyRequests('from this address', taken.retryAfterSeconds);
        // An address out of bytes is refused before its body is read. How many bytes a
        // body inflates to is known only once it is read, so one that is let in spends
        // them all, into debt if need be: refusing it then would cost its inflation and
        // its bytes on the wire, and the debt holds the address back just as long.
        const budget = ipByteBuckets?.peek(request.ip, 1);
        if (budget && !budget.ok) throw tooManyBytes(budget.retryAfterSeconds);
        const length = Number(request.headers['content-length']);
        const key = (request.query as Record<string, unknown>).siteKey;
        if (key === undefined) {
          if (length > BODY_KEY_MAX_BYTES) throw keyMissingForLargeBody();
          return;
        }
        if (typeof key !== 'string' || key === '' || key.length > 256) {
          throw new HttpError(401, 'siteKey in the URL must be given once, as the ingest key `veil-collector site add` printed');
        }
        const site = await siteOf(key);
        admit(site, request, reply);
        sites.set(request, site);
        // refused before its body is read: it would only wait for a place (a
        // gzipped body inflates to more than its Content-Length, never less)
        if (full(Number.isFinite(length) ? length : 0)) throw ingestBusy();
      },
    },
    async (request, reply) => {
      reply.header('Vary', 'Origin');
      reply.header('Cache-Control', 'no-store');
      const bytes = Buffer.isBuffer(request.body) ? request.body.length : 0;
      if (full(bytes)) throw ingestBusy();
      ipByteBuckets?.spend(request.ip, bytes);
      inHand++;
      bytesInHand += bytes;
      try {
        return await ingest(request, reply);
      } finally {
        inHand--;
        bytesInHand -= bytes;
      }
    },
  );

  async function ingest(request: FastifyRequest, reply: FastifyReply) {
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    let decoded: Decoded;
    try {
      decoded = await recordings.decode(raw);
    } catch (error) {
      // a worker that died with the batch: nothing was written, and the client retries
      log('decoding a batch failed', error);
      throw new HttpError(503, 'the batch could not be processed; retry later', { 'Retry-After': String(BUSY_RETRY_AFTER) });
    }
    if (!decoded.ok) throw new HttpError(decoded.status, decoded.message);
    const batch = decoded;
    let site = sites.get(request);
    try {
      if (site) {
        // a body key that names another site is a confused client, not one to store for either
        if (batch.siteKey !== undefined && batch.siteKey !== (request.query as Record<string, unknown>).siteKey) {
          throw new HttpError(400, 'siteKey in the body differs from siteKey in the URL; send one key');
        }
      } else {
        if (!batch.siteKey) {
          throw new HttpError(401, 'siteKey is missing: give the transport the ingest key `veil-collector site add` printed');
        }
        site = await siteOf(batch.siteKey);
        admit(site, request, reply);
      }
    } catch (error) {
      await recordings.discard(batch.ref).catch((discardError) => log('letting go of a refused batch failed', discardError));
      throw error;
    }

    let outcome;
    try {
      outcome = await recordings.store(site, batch, now());
    } catch (error) {
      if (error instanceof RebuildLimited) throw tooManyRequests('out of sequence for this session', error.retryAfterSeconds);
      log('storing a batch failed', error);
      throw storageUnavailable();
    }
    const settings = remoteSettings(site);
    if (outcome.duplicate) return reply.code(200).send({ ok: true, duplicate: true, settings });
    const { gap } = outcome;
    return reply.code(200).send({ ok: true, ...(gap ? { gap: { expected: gap.expectedSeq, received: gap.receivedSeq } } : {}), settings });
  }
}
