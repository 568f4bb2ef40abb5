// POST /v1/ingest as docs/protocol.md describes it: the door. It reads and
// validates the body, checks the key, the origin and the rate limits, hands
// the batch to the recordings pipeline and turns its outcome into an answer.
// Every refusal is a 4xx with `{ "error": "…" }` naming the problem; anything
// the database gets wrong is a 503 with Retry-After so the client keeps the
// batch and retries.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Recordings } from '../recordings/recordings';
import { TokenBuckets, type RateLimit } from '../rate-limit';
import type { Storage } from '../storage/types';
import { decodeBody } from './body';
import { allowOrigin, answerPreflight } from './cors';
import { hashKey } from './keys';
import { HttpError, storageUnavailable, tooManyRequests } from './refusal';
import { MAX_NESTING, batchSchema, nestsDeeperThan, unknownVersion, type IngestBatch } from './schema';

export const DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024;
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 50 * 1024 * 1024;

export interface IngestOptions {
  /** For the site look-up by key and the origin checks. */
  storage: Storage;
  recordings: Recordings;
  /** Per client IP; `false` turns it off. */
  ipRateLimit: RateLimit | false;
  /** Per site (ingest key); `false` turns it off. */
  keyRateLimit: RateLimit | false;
  maxBodyBytes?: number;
  maxDecompressedBytes?: number;
  now?: () => number;
  log?: (message: string, error?: unknown) => void;
}

/** Registers OPTIONS and POST /v1/ingest in their own encapsulated context (own body parser). */
export async function ingestPlugin(app: FastifyInstance, options: IngestOptions): Promise<void> {
  const { storage, recordings } = options;
  const now = options.now ?? Date.now;
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxDecompressed = options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
  const ipBuckets = options.ipRateLimit ? new TokenBuckets(options.ipRateLimit, now) : null;
  const keyBuckets = options.keyRateLimit ? new TokenBuckets(options.keyRateLimit, now) : null;
  const log = options.log ?? (() => undefined);

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
      } catch {
        throw storageUnavailable();
      }
    }
    if (!origin || !known) {
      return reply.code(403).send({ error: `origin ${origin ?? '(none)'} is not configured for any site` });
    }
    answerPreflight(reply, origin, request.headers['access-control-request-headers'] as string | undefined);
    return reply.code(204).send();
  });

  app.post<{ Body: IngestBatch }>(
    '/v1/ingest',
    {
      schema: { body: batchSchema },
      onRequest: async (request) => {
        const taken = ipBuckets?.take(request.ip);
        if (taken && !taken.ok) throw tooManyRequests('from this address', taken.retryAfterSeconds);
      },
      preValidation: async (request) => {
        const refusal = unknownVersion(request.body);
        if (refusal) throw new HttpError(400, refusal);
        if (nestsDeeperThan(request.body, MAX_NESTING)) {
          throw new HttpError(400, `invalid batch: it nests deeper than ${MAX_NESTING} levels of arrays and objects`);
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
      let site;
      try {
        site = await storage.getSiteByKeyHash(hashKey(batch.siteKey));
      } catch (error) {
        log('site lookup failed', error);
        throw storageUnavailable();
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
      const taken = keyBuckets?.take(String(site.id));
      if (taken && !taken.ok) throw tooManyRequests('for this site', taken.retryAfterSeconds);

      let outcome;
      try {
        outcome = await recordings.store(site, batch, now());
      } catch (error) {
        log('storing a batch failed', error);
        throw storageUnavailable();
      }
      if (outcome.duplicate) return reply.code(200).send({ ok: true, duplicate: true });
      const { gap } = outcome;
      return reply.code(200).send({ ok: true, ...(gap ? { gap: { expected: gap.expectedSeq, received: gap.receivedSeq } } : {}) });
    },
  );
}
