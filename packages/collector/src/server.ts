import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import os from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import { DEFAULT_QUEUED_BATCHES_PER_WORKER, DEFAULT_QUEUED_BYTES_PER_WORKER, ingestPlugin } from './ingest/http';
import { InProcessBatches, WorkerPoolBatches, type BatchProcessor } from './recordings/batch-processor';
import { createPlayerApp } from './player/app';
import type { RateLimit } from './rate-limit';
import type { LoginGuard, LoginIpDelay } from './auth/login-guard';
import type { EngineStats as IngestStats } from './recordings/batch-engine';
import { Recordings } from './recordings/recordings';
import { openStorage } from './storage/index';
import type { BlobStore } from './storage/blob-store';
import type { Storage } from './storage/types';
import { viewerPlugin } from './viewer/pages';
import { layout } from './viewer/html';
import { effectiveRetentionDays } from './settings/site-settings';

export const DEFAULT_PORT = 4180;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_DATABASE = 'veil-collector.db';
export const DEFAULT_RETENTION_DAYS = 30;
/** Seconds a shutdown waits for requests in progress before it cuts them off. */
export const DEFAULT_DRAIN_SECONDS = 10;
export const MAX_INGEST_WORKERS = 256;
/** One ingest worker per core the process may use. */
export const defaultIngestWorkers = () => os.availableParallelism();
const DAY_MS = 24 * 60 * 60 * 1000;
const PURGE_EVERY_MS = 60 * 60 * 1000;
/** A database that takes longer than this to read one row is not ready. */
const READY_TIMEOUT_MS = 3000;

export const DEFAULT_RATE_LIMITS = {
  /** A visitor's tab sends one batch every few seconds; a NAT can hide many visitors. */
  ip: { perSecond: 50, burst: 500 },
  key: { perSecond: 1000, burst: 5000 },
  /**
   * Inflated bytes per client IP: a visitor sends a page's snapshot (up to a
   * few MiB) and then a trickle; 64 MiB at once covers a NAT full of page
   * loads, 4 MiB/s after that bounds what one address makes the server parse.
   */
  ipBytes: { perSecond: 4 * 1024 * 1024, burst: 64 * 1024 * 1024 },
  /** 10 failures free, then waits of 1 s, 2 s, 4 s … up to an hour; a success starts over. */
  loginIpDelay: { freeFailures: 10, firstDelaySeconds: 1, maxDelaySeconds: 3600 },
  /** 5 failures at once, then one every two minutes; browsers that logged in to the account before are not held. */
  loginAccount: { perSecond: 1 / 120, burst: 5 },
} as const;

export interface CollectorOptions {
  /** A SQLite file path, a `postgres://` URL, or a storage object. Default `veil-collector.db`. */
  database?: string | Storage;
  /**
   * `s3://bucket/prefix` (or a store made with createS3BlobStore): batch blobs
   * go to this S3-compatible bucket and the database keeps their keys (see the
   * README). Only with a `database` string.
   */
  blobStore?: string | BlobStore;
  /** The S3-compatible service's address (MinIO and the like), path-style. Default: the SDK's AWS_ENDPOINT_URL_S3, else AWS. */
  blobStoreEndpoint?: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 4180; 0 picks a free port. */
  port?: number;
  /**
   * Port of the replay player's own origin (a second listener on the same
   * host; see player/app.ts). Default 0: a free port.
   */
  playerPort?: number;
  /** Public origin of the player listener when a proxy sits in front, e.g. `https://replay.collector.example`. */
  playerOrigin?: string;
  /** Public origin of the viewer when a proxy sits in front (allowed to frame the player). */
  publicUrl?: string;
  /** `false`: build the app without listening (use `app.inject`). Default true. */
  listen?: boolean;
  /** Recordings and audit log lines older than this are deleted, on start and every hour. Default 30. */
  retentionDays?: number;
  /** Serve HTTPS directly. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /**
   * Trust X-Forwarded-* from the reverse proxies in front: their addresses
   * (`'10.0.0.5'`, `'10.0.0.0/8, loopback'`, or an array) or how many hops
   * of proxies there are. `false` (default): trust none. `true` is refused:
   * it would let any client choose its address for the per-IP limits.
   */
  trustProxy?: false | number | string | string[];
  rateLimits?: {
    ip?: RateLimit | false;
    key?: RateLimit | false;
    /** Inflated bytes per client IP (perSecond and burst in bytes). */
    ipBytes?: RateLimit | false;
    loginIpDelay?: LoginIpDelay;
    loginAccount?: RateLimit;
  };
  maxBodyBytes?: number;
  /** Most bytes one batch may inflate to. Default 16 MiB. */
  maxDecompressedBytes?: number;
  /** Most inflated bytes per compressed byte, checked while inflating. Default 100. */
  maxCompressionRatio?: number;
  /** Scrubbers kept in memory for sessions in progress. Default 2000. */
  maxCachedSessions?: number;
  /** Estimated memory those scrubbers may take (each keeps its page's node map). Default 256 MiB. */
  maxCachedScrubberBytes?: number;
  /** Per session, rebuilds of a scrubber for a batch that is not the next one. Default 3, then one a minute. */
  outOfOrderRebuilds?: RateLimit;
  /**
   * Worker threads that parse, validate, scrub and encode batches, so that a
   * loaded ingest does not hold up logins, the viewer and /healthz. 0: all of
   * it on the main thread. Default: os.availableParallelism().
   */
  ingestWorkers?: number;
  /**
   * Most batches in hand at once; one more is answered 503 with Retry-After
   * (the recorder keeps it and retries). Default 64 per ingest worker (64 with none).
   */
  maxQueuedBatches?: number;
  /**
   * Most inflated bytes of the batches in hand at once; a batch that would go
   * over is answered 503 with Retry-After, unless none is in hand. Default
   * 32 MiB per ingest worker (32 MiB with none).
   */
  maxQueuedBytes?: number;
  /**
   * On close(): seconds to let requests in progress finish (a batch that got
   * its 200 is stored) before they are cut off. Default 10.
   */
  drainSeconds?: number;
  logger?: boolean;
  now?: () => number;
}

export interface Collector {
  /** `http://127.0.0.1:4180` (no trailing slash); empty when not listening. */
  url: string;
  /** The replay player's origin. */
  playerUrl: string;
  app: FastifyInstance;
  /** The player origin's server (the shell and its static files only). */
  playerApp: FastifyInstance;
  storage: Storage;
  /** Deletes recordings past the retention period now; returns how many sessions went. */
  purge(): Promise<number>;
  /** What the ingest holds and has done: cached scrubbers, parked batches, where batches were scrubbed. */
  ingestStats(): Promise<IngestStats>;
  close(): Promise<void>;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** Static files, read once. From dist/ or src/ alike, static/ is one level up. */
function loadStatic(): Map<string, { body: Buffer; type: string }> {
  const own = path.resolve(here, '..', 'static');
  const rrweb = path.dirname(require.resolve('@rrweb/replay'));
  const files: [string, string, string][] = [
    ['viewer.css', path.join(own, 'viewer.css'), 'text/css; charset=utf-8'],
    ['player.css', path.join(own, 'player.css'), 'text/css; charset=utf-8'],
    ['replay.js', path.join(own, 'replay.js'), 'text/javascript; charset=utf-8'],
    ['player.js', path.join(own, 'player.js'), 'text/javascript; charset=utf-8'],
    ['rrweb-replay.js', path.join(rrweb, 'replay.umd.min.cjs'), 'text/javascript; charset=utf-8'],
    ['rrweb-replay.css', path.join(rrweb, 'style.css'), 'text/css; charset=utf-8'],
  ];
  return new Map(files.map(([name, file, type]) => [name, { body: readFileSync(file), type }]));
}

const viewerCsp = (playerOrigin: string) =>
  [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "connect-src 'self'",
    `frame-src ${playerOrigin}`,
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');

const PROXY_KEYWORDS = ['loopback', 'linklocal', 'uniquelocal'];

/** Parses what `--trust-proxy` takes: a hop count, or addresses, ranges and keywords separated by commas. */
export function parseTrustProxy(value: string): number | string[] | null {
  if (/^\d+$/.test(value.trim())) {
    const hops = Number(value);
    return hops >= 1 && hops <= 10 ? hops : null;
  }
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  if (!items.length) return null;
  for (const item of items) {
    if (PROXY_KEYWORDS.includes(item)) continue;
    const [address, prefix, extra] = item.split('/');
    const family = isIP(address);
    if (!family || extra !== undefined) return null;
    if (prefix !== undefined && !(/^\d+$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128))) return null;
  }
  return items;
}

export const TRUST_PROXY_HELP =
  "the proxies' addresses (e.g. 10.0.0.5, 10.0.0.0/8, fd00::/8 or loopback, linklocal, uniquelocal; several separated by commas) or a hop count from 1 to 10";

function checkTrustProxy(value: CollectorOptions['trustProxy'] | boolean): false | number | string[] {
  if (value === undefined || value === false) return false;
  if (value === true) {
    throw new Error(`trustProxy: true trusts any X-Forwarded-For, so a client could pick its own address; give ${TRUST_PROXY_HELP}.`);
  }
  const parsed = parseTrustProxy(Array.isArray(value) ? value.join(',') : String(value));
  if (parsed === null) throw new Error(`trustProxy must be ${TRUST_PROXY_HELP}; got ${JSON.stringify(value)}.`);
  return parsed;
}

/**
 * Closes a server and waits for the requests in progress, at most `seconds`;
 * then cuts off what is left (its clients get no answer, so they retry).
 */
async function drain(app: FastifyInstance, seconds: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const closed = app.close();
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), seconds * 1000);
  });
  try {
    if ((await Promise.race([closed, late])) === 'late') {
      app.server.closeAllConnections();
      await closed;
    }
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Starts a collector: ingest at `/v1/ingest`, the viewer at `/`.
 *
 * @example
 * const collector = await createCollector({ database: './veil.db', port: 0 });
 * console.log(collector.url);
 * await collector.close();
 */
export async function createCollector(options: CollectorOptions = {}): Promise<Collector> {
  const now = options.now ?? Date.now;
  const retentionDays = options.retentionDays ?? DEFAULT_RETENTION_DAYS;
  if (!(retentionDays > 0)) throw new Error(`retentionDays must be a positive number of days, got ${retentionDays}.`);
  const ingestWorkers = options.ingestWorkers ?? defaultIngestWorkers();
  if (!(Number.isInteger(ingestWorkers) && ingestWorkers >= 0 && ingestWorkers <= MAX_INGEST_WORKERS)) {
    throw new Error(
      `ingestWorkers must be a whole number from 0 (parse and scrub on the main thread) to ${MAX_INGEST_WORKERS}; got ${ingestWorkers}.`,
    );
  }
  const maxQueuedBatches = options.maxQueuedBatches ?? DEFAULT_QUEUED_BATCHES_PER_WORKER * Math.max(1, ingestWorkers);
  if (!(Number.isInteger(maxQueuedBatches) && maxQueuedBatches >= 1)) {
    throw new Error(`maxQueuedBatches must be a whole number of batches, at least 1; got ${maxQueuedBatches}.`);
  }
  const maxQueuedBytes = options.maxQueuedBytes ?? DEFAULT_QUEUED_BYTES_PER_WORKER * Math.max(1, ingestWorkers);
  if (!(Number.isInteger(maxQueuedBytes) && maxQueuedBytes >= 1)) {
    throw new Error(`maxQueuedBytes must be a whole number of bytes, at least 1; got ${maxQueuedBytes}.`);
  }
  const drainSeconds = options.drainSeconds ?? DEFAULT_DRAIN_SECONDS;
  if (!(drainSeconds >= 0 && Number.isFinite(drainSeconds))) {
    throw new Error(`drainSeconds must be a number of seconds, 0 or more; got ${drainSeconds}.`);
  }
  if (typeof options.database === 'object' && (options.blobStore !== undefined || options.blobStoreEndpoint !== undefined)) {
    throw new Error('blobStore needs database as a path or URL: a storage object brings its own (createPostgresStorage({ blobStore })).');
  }
  const storage =
    typeof options.database === 'object'
      ? options.database
      : openStorage(options.database ?? DEFAULT_DATABASE, { blobStore: options.blobStore, blobStoreEndpoint: options.blobStoreEndpoint });
  const ownsStorage = typeof options.database !== 'object';
  try {
    await storage.migrate();
  } catch (error) {
    if (ownsStorage) await storage.close().catch(() => undefined);
    throw error;
  }
  const secret = await storage.getServerSecret();
  const cacheLimits = { maxCachedSessions: options.maxCachedSessions, maxCachedBytes: options.maxCachedScrubberBytes };
  const processor: BatchProcessor = ingestWorkers ? new WorkerPoolBatches(ingestWorkers, cacheLimits) : new InProcessBatches(cacheLimits);
  const recordings = new Recordings(storage, { processor, outOfOrderRebuilds: options.outOfOrderRebuilds, now });
  const limits = { ...DEFAULT_RATE_LIMITS, ...options.rateLimits };
  const tls = options.tls;

  const app = Fastify({
    logger: options.logger ? { level: 'warn' } : false,
    trustProxy: checkTrustProxy(options.trustProxy),
    bodyLimit: 64 * 1024,
    ...(tls ? { https: { cert: tls.cert, key: tls.key } } : {}),
    // Wrong field types are refused, never coerced: "5" is not a sequence number.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false } },
  } as any) as unknown as FastifyInstance;

  await app.register(cookie);
  await app.register(formbody);

  const statics = loadStatic();
  let url = '';
  let playerUrl = options.playerOrigin?.replace(/\/$/, '') ?? 'http://player.invalid';
  const playerApp = createPlayerApp({
    statics,
    viewerOrigins: () => [options.publicUrl?.replace(/\/$/, '') ?? url].filter(Boolean),
    https: tls,
  });

  app.addHook('onSend', async (_request, reply, payload) => {
    if (!reply.hasHeader('Content-Security-Policy')) reply.header('Content-Security-Policy', viewerCsp(playerUrl));
    if (!reply.hasHeader('X-Frame-Options')) reply.header('X-Frame-Options', 'DENY');
    if (!reply.hasHeader('Cache-Control')) reply.header('Cache-Control', 'no-store');
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    if (tls) reply.header('Strict-Transport-Security', 'max-age=31536000');
    return payload;
  });

  const log = (message: string, error?: unknown) => app.log.error({ err: error }, message);

  await app.register(ingestPlugin, {
    storage,
    recordings,
    ipRateLimit: limits.ip,
    keyRateLimit: limits.key,
    ipBytesRateLimit: limits.ipBytes,
    maxBodyBytes: options.maxBodyBytes,
    maxDecompressedBytes: options.maxDecompressedBytes,
    maxCompressionRatio: options.maxCompressionRatio,
    maxQueuedBatches,
    maxQueuedBytes,
    now,
    log,
  });

  let loginGuard: LoginGuard | undefined;
  await app.register(async (viewer) => {
    viewer.setErrorHandler(async (error: any, request, reply) => {
      if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
        return reply.code(error.statusCode).type('text/html; charset=utf-8').send(layout('Bad request', `<h1>Bad request</h1>`));
      }
      log(`viewer ${request.method} ${request.url} failed`, error);
      return reply
        .code(503)
        .header('Retry-After', '5')
        .type('text/html; charset=utf-8')
        .send(layout('Unavailable', '<h1>Temporarily unavailable</h1><p>The database did not answer. Try again in a moment.</p>'));
    });
    await viewer.register(viewerPlugin, {
      storage,
      recordings,
      secret,
      secureCookies: (request) => Boolean(tls) || request.protocol === 'https',
      loginIpDelay: limits.loginIpDelay,
      loginAccountLimit: limits.loginAccount,
      onLoginGuard: (guard) => (loginGuard = guard),
      playerOrigin: () => playerUrl,
      retentionDays,
      now,
    });
  });

  app.get<{ Params: { file: string } }>('/static/:file', async (request, reply) => {
    const file = statics.get(request.params.file);
    if (!file) return reply.code(404).type('text/plain; charset=utf-8').send('Not found\n');
    return reply.header('Cache-Control', 'no-cache').type(file.type).send(file.body);
  });

  // For load balancers and orchestrators, outside the login. /healthz: the
  // process answers (restart it if not). /readyz: it can serve, i.e. the
  // database answers and the collector is not shutting down (send it no
  // traffic if not). Neither says more than ok or not.
  let closingDown = false;
  app.get('/healthz', async (_request, reply) => reply.send({ ok: true }));
  app.get('/readyz', async (_request, reply) => {
    if (closingDown) return reply.code(503).header('Retry-After', '5').send({ ok: false, error: 'shutting down' });
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        storage.getServerSecret(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('timeout')), READY_TIMEOUT_MS);
        }),
      ]);
      return reply.send({ ok: true });
    } catch {
      return reply.code(503).header('Retry-After', '5').send({ ok: false, error: 'storage is unavailable' });
    } finally {
      clearTimeout(timer);
    }
  });

  // Browsers ask for it on every page; a 404 would be noise in their consoles.
  app.get('/favicon.ico', async (_request, reply) => reply.code(204).header('Cache-Control', 'max-age=86400').send());

  app.setNotFoundHandler(async (request, reply) => {
    if (request.url.startsWith('/v1/'))
      return reply.code(404).send({ error: `no route ${request.method} ${request.url.split('?')[0]}; batches go to POST /v1/ingest` });
    return reply
      .code(404)
      .type('text/html; charset=utf-8')
      .send(layout('Not found', '<h1>Not found</h1><p><a href="/">Back to the sites</a></p>'));
  });

  async function purge(): Promise<number> {
    const cutoff = now() - retentionDays * DAY_MS;
    let removed = await recordings.purgeBefore(cutoff);
    // sites whose admins chose a shorter retention: their recordings and audit lines go sooner
    for (const site of await storage.listSites()) {
      const days = effectiveRetentionDays(site, retentionDays);
      if (days < retentionDays) {
        removed += await recordings.purgeSiteBefore(site.id, now() - days * DAY_MS);
        await storage.purgeAuditBefore(now() - days * DAY_MS, site.id);
      }
    }
    await storage.purgeLoginSessions(now());
    await loginGuard?.purge();
    // the audit log is kept as long as the recordings it speaks of, and no longer
    await storage.purgeAuditBefore(cutoff);
    return removed;
  }

  let timer: NodeJS.Timeout | undefined;
  try {
    await purge();
    timer = setInterval(() => {
      purge().catch((error) => log('retention purge failed', error));
    }, PURGE_EVERY_MS);
    timer.unref();
    if (options.listen !== false) {
      const host = options.host ?? DEFAULT_HOST;
      const shownHost = host.includes(':') ? `[${host}]` : host;
      const origin = (server: FastifyInstance) => {
        const address = server.server.address();
        return `${tls ? 'https' : 'http'}://${shownHost}:${typeof address === 'object' && address ? address.port : ''}`;
      };
      await playerApp.listen({ host, port: options.playerPort ?? 0 });
      if (!options.playerOrigin) playerUrl = origin(playerApp);
      await app.listen({ host, port: options.port ?? DEFAULT_PORT });
      url = origin(app);
    } else {
      await Promise.all([app.ready(), playerApp.ready()]);
    }
  } catch (error) {
    if (timer) clearInterval(timer);
    await app.close().catch(() => undefined);
    await playerApp.close().catch(() => undefined);
    await processor.close().catch(() => undefined);
    if (ownsStorage) await storage.close().catch(() => undefined);
    throw error;
  }

  let closing: Promise<void> | undefined;
  return {
    url,
    playerUrl,
    app,
    playerApp,
    storage,
    purge,
    ingestStats: () => recordings.stats(),
    close: () =>
      (closing ??= (async () => {
        // /readyz answers 503 from now on, and Fastify answers any new request 503;
        // the listener stops taking connections, and requests in progress finish
        closingDown = true;
        if (timer) clearInterval(timer);
        await drain(app, drainSeconds);
        await playerApp.close();
        await processor.close();
        if (ownsStorage) await storage.close();
      })()),
  };
}
