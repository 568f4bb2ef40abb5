// Where the batch engine runs: on the main thread (ingestWorkers: 0, and the
// Recordings class used on its own), or in a pool of worker threads so that
// parsing and scrubbing a 16 MiB batch does not hold up logins, the viewer
// and /healthz.
//
// A session's scrubber holds the node map of its page across batches, so
// every batch of a session must reach the worker that holds its scrubber.
// The pool is one single-thread Piscina per shard, and a batch's shard is a
// hash of its session id. The session id is only certain once the body is
// parsed; it is read ahead from the first bytes (the core's recorder writes
// `{"v":1,"sessionId":…` first), and a body that does not start that way is
// parsed where it lands and, if that is the wrong shard, parsed again on the
// right one: correct for any client, one parse for the core's.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { DEFAULT_MAX_CACHED_BYTES, DEFAULT_MAX_CACHED_SESSIONS } from './scrubber-cache';
import type { RecordedEvent } from '@veil/core/engine';
import {
  BatchEngine,
  type DecodeOutcome,
  type EngineOptions,
  type EngineStats,
  type FinishRequest,
  type ScrubOutcome,
  type ScrubRequest,
} from './batch-engine';

/** A parked batch: its ticket, on the shard that holds it. */
export interface BatchRef {
  ticket: number;
  shard: number;
}

export type Decoded =
  ({ ok: true; ref: BatchRef } & Omit<Extract<DecodeOutcome, { ok: true }>, 'ticket' | 'ok'>) | Extract<DecodeOutcome, { ok: false }>;

/** The engine's calls, wherever it runs. Calls for one shard run in the order they were made. */
export interface BatchProcessor {
  readonly workers: number;
  decode(json: Buffer): Promise<Decoded>;
  park(sessionId: string, events: RecordedEvent[]): Promise<BatchRef>;
  scrub(ref: BatchRef, request: Omit<ScrubRequest, 'ticket'>): Promise<ScrubOutcome>;
  finish(ref: BatchRef, request: Omit<FinishRequest, 'ticket'>): Promise<void>;
  forget(siteId: number, sessionId: string): Promise<void>;
  forgetSite(siteId: number): Promise<void>;
  clear(): Promise<void>;
  stats(): Promise<EngineStats>;
  close(): Promise<void>;
}

/** The engine on the calling thread. */
export class InProcessBatches implements BatchProcessor {
  readonly workers = 0;
  readonly engine: BatchEngine;

  constructor(options: EngineOptions = {}) {
    this.engine = new BatchEngine(options);
  }

  async decode(json: Buffer): Promise<Decoded> {
    return withRef(this.engine.decode(json), 0);
  }
  async park(_sessionId: string, events: RecordedEvent[]): Promise<BatchRef> {
    return { ...this.engine.park(events), shard: 0 };
  }
  scrub(ref: BatchRef, request: Omit<ScrubRequest, 'ticket'>): Promise<ScrubOutcome> {
    return this.engine.scrub({ ...request, ticket: ref.ticket });
  }
  async finish(ref: BatchRef, request: Omit<FinishRequest, 'ticket'>): Promise<void> {
    this.engine.finish({ ...request, ticket: ref.ticket });
  }
  async forget(siteId: number, sessionId: string): Promise<void> {
    this.engine.forget(siteId, sessionId);
  }
  async forgetSite(siteId: number): Promise<void> {
    this.engine.forgetSite(siteId);
  }
  async clear(): Promise<void> {
    this.engine.clear();
  }
  async stats(): Promise<EngineStats> {
    return this.engine.stats();
  }
  async close(): Promise<void> {}
}

/** The message a worker takes (ingest-worker.ts). */
export type WorkerTask =
  | { op: 'decode'; json: Uint8Array }
  | { op: 'park'; events: RecordedEvent[] }
  | { op: 'scrub'; request: ScrubRequest }
  | { op: 'finish'; request: FinishRequest }
  | { op: 'forget'; siteId: number; sessionId: string }
  | { op: 'forgetSite'; siteId: number }
  | { op: 'clear' }
  | { op: 'stats' };

export interface WorkerData {
  engine: EngineOptions;
}

/**
 * The worker script: beside the bundle in dist/, and for the TypeScript
 * sources (the tests) the one built into dist/ by test/global-setup.ts.
 */
export function ingestWorkerFile(): string {
  for (const candidate of ['./ingest-worker.cjs', '../../dist/ingest-worker.cjs']) {
    const file = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(file)) return file;
  }
  throw new Error(
    'The ingest worker script (dist/ingest-worker.cjs) is missing: build the collector with `npm run build -w @veil/collector`, or pass ingestWorkers: 0 to scrub on the main thread.',
  );
}

/** FNV-1a: cheap, and spreads session ids evenly enough over a handful of shards. */
export function shardOf(sessionId: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < sessionId.length; i++) {
    hash ^= sessionId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}

const SESSION_HINT = /^\s*\{\s*"v"\s*:\s*\d+\s*,\s*(?:"siteKey"\s*:\s*"[^"\\]*"\s*,\s*)?"sessionId"\s*:\s*"([^"\\]{1,128})"/;

/** The session id as the core's recorder writes it at the start of a batch, or undefined. */
export function sessionHint(json: Buffer): string | undefined {
  return SESSION_HINT.exec(json.subarray(0, 512).toString('latin1'))?.[1];
}

export class WorkerPoolBatches implements BatchProcessor {
  private readonly shards: Piscina[];
  private roundRobin = 0;

  constructor(
    readonly workers: number,
    engine: EngineOptions,
    filename = ingestWorkerFile(),
  ) {
    // each worker holds its share of the scrubber budget, so the option, and its default, stays the process's total
    const share: EngineOptions = {
      maxCachedSessions: Math.max(1, Math.ceil((engine.maxCachedSessions ?? DEFAULT_MAX_CACHED_SESSIONS) / workers)),
      maxCachedBytes: Math.ceil((engine.maxCachedBytes ?? DEFAULT_MAX_CACHED_BYTES) / workers),
    };
    const workerData: WorkerData = { engine: share };
    this.shards = Array.from(
      { length: workers },
      () =>
        new Piscina({
          filename,
          minThreads: 1,
          maxThreads: 1,
          idleTimeout: Infinity,
          // the collector bounds what it admits (http.ts); the engine's own messages are never refused
          maxQueue: Infinity,
          concurrentTasksPerWorker: 1,
          atomics: 'disabled',
          workerData,
        }),
    );
  }

  private run<T>(shard: number, task: WorkerTask): Promise<T> {
    return this.shards[shard].run(task) as Promise<T>;
  }

  async decode(json: Buffer): Promise<Decoded> {
    const hint = sessionHint(json);
    let shard = hint === undefined ? this.roundRobin++ % this.workers : shardOf(hint, this.workers);
    let outcome = await this.run<DecodeOutcome>(shard, { op: 'decode', json });
    if (outcome.ok) {
      const owner = shardOf(outcome.sessionId, this.workers);
      if (owner !== shard) {
        void this.run(shard, { op: 'finish', request: { ticket: outcome.ticket, siteId: -1, sessionId: '', stored: false } });
        shard = owner;
        outcome = await this.run<DecodeOutcome>(shard, { op: 'decode', json });
      }
    }
    return withRef(outcome, shard);
  }

  park(sessionId: string, events: RecordedEvent[]): Promise<BatchRef> {
    const shard = shardOf(sessionId, this.workers);
    return this.run<{ ticket: number }>(shard, { op: 'park', events }).then(({ ticket }) => ({ ticket, shard }));
  }

  scrub(ref: BatchRef, request: Omit<ScrubRequest, 'ticket'>): Promise<ScrubOutcome> {
    return this.run(ref.shard, { op: 'scrub', request: { ...request, ticket: ref.ticket } });
  }

  finish(ref: BatchRef, request: Omit<FinishRequest, 'ticket'>): Promise<void> {
    return this.run(ref.shard, { op: 'finish', request: { ...request, ticket: ref.ticket } });
  }

  forget(siteId: number, sessionId: string): Promise<void> {
    return this.run(shardOf(sessionId, this.workers), { op: 'forget', siteId, sessionId });
  }

  async forgetSite(siteId: number): Promise<void> {
    await Promise.all(this.shards.map((_, shard) => this.run(shard, { op: 'forgetSite', siteId })));
  }

  async clear(): Promise<void> {
    await Promise.all(this.shards.map((_, shard) => this.run(shard, { op: 'clear' })));
  }

  async stats(): Promise<EngineStats> {
    const all = await Promise.all(this.shards.map((_, shard) => this.run<EngineStats>(shard, { op: 'stats' })));
    return all.reduce((sum, one) => ({
      cachedScrubbers: sum.cachedScrubbers + one.cachedScrubbers,
      cachedScrubberBytes: sum.cachedScrubberBytes + one.cachedScrubberBytes,
      cachedScrubberBytesLimit: sum.cachedScrubberBytesLimit + one.cachedScrubberBytesLimit,
      parkedBatches: sum.parkedBatches + one.parkedBatches,
      scrubbedOnMainThread: sum.scrubbedOnMainThread + one.scrubbedOnMainThread,
      scrubbedInWorkers: sum.scrubbedInWorkers + one.scrubbedInWorkers,
    }));
  }

  async close(): Promise<void> {
    await Promise.all(this.shards.map((pool) => pool.destroy()));
  }
}

function withRef(outcome: DecodeOutcome, shard: number): Decoded {
  if (!outcome.ok) return outcome;
  const { ticket, ok: _ok, ...envelope } = outcome;
  return { ok: true, ref: { ticket, shard }, ...envelope };
}
