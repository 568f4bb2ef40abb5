// Recordings in and out: the one path an accepted batch takes to the disk,
// and the one way recordings are deleted. HTTP code calls in and gets an
// outcome back; nothing here calls out to it.
//
// A batch, under its session's lock, in this order:
//   1. duplicate check   storage.hasBatch: a (site, session, seq) stored before
//                        is answered as a duplicate before any work, and the
//                        session's cached scrubber stays as it is
//   2. scrub             with the cached scrubber when it is exactly one batch
//                        behind and made for the site's current settings,
//                        else one rebuilt from storage (scrubbing.ts)
//   3. summarize         time span, pages, full snapshot (summary.ts)
//   4. encode            the stored blob (blob.ts)
//                        (2–4 run in the batch processor: on this thread or
//                        in the worker that holds the session's scrubber;
//                        see batch-engine.ts and batch-processor.ts)
//   5. write             one storage transaction: batch, session row, gap
//   6. update the cache  only after the write: a scrubber that consumed a
//                        batch that was not stored is dropped, and the next
//                        batch rebuilds
//
// The duplicate decision is made once, in step 1. The batches table's primary
// key stays underneath as a safety net for two instances racing on the same
// batch: the loser's write fails like any database error (503), the client
// retries, and step 1 answers the retry as a duplicate.
import type { RecordedEvent, RecordingBatch } from '@veil/core/engine';
import type { GapRecord, Site, Storage } from '../storage/types';
import { TokenBuckets, type RateLimit } from '../rate-limit';
import { InProcessBatches, type BatchProcessor, type BatchRef, type Decoded } from './batch-processor';
import type { EngineStats } from './batch-engine';
import { SessionLocks, sessionKey } from './session-lock';

/**
 * What the pipeline needs of a validated batch: its events, or the ref of a
 * batch the processor decoded and holds.
 */
export interface BatchToStore extends Pick<RecordingBatch, 'sessionId' | 'seq' | 'visitorId'> {
  events?: RecordedEvent[];
  ref?: BatchRef;
  dropped?: { batches?: number; events?: number };
}

export type StoreOutcome = { duplicate: true } | { duplicate: false; gap: GapRecord | null };

export interface RecordingsOptions {
  /** Scrubbers kept in memory for sessions in progress. Default 2000. */
  maxCachedSessions?: number;
  /** Estimated memory the cached scrubbers may take. Default 256 MiB. */
  maxCachedBytes?: number;
  /**
   * Per session: rebuilds for a batch that is not the session's next one (a
   * gap ahead or a hole filled behind). Default 3 at once, then one a minute.
   */
  outOfOrderRebuilds?: RateLimit;
  /** Where batches are parsed and scrubbed. Default: on the calling thread, with the cache limits above. */
  processor?: BatchProcessor;
  now?: () => number;
}

export const DEFAULT_OUT_OF_ORDER_REBUILDS: RateLimit = { perSecond: 1 / 60, burst: 3 };

/**
 * A batch out of order would make the server re-read and re-scrub the
 * session's stored batches again: a 187-byte request for up to a second of
 * work. The client keeps the batch and retries after Retry-After.
 */
export class RebuildLimited extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('too many batches out of sequence for this session; retry after the Retry-After delay');
  }
}

export class Recordings {
  private readonly locks = new SessionLocks();
  readonly processor: BatchProcessor;
  private readonly outOfOrder: TokenBuckets;
  /** Scrubbers rebuilt from storage (for tests and metrics). */
  rebuilds = 0;

  constructor(
    private readonly storage: Storage,
    options: RecordingsOptions = {},
  ) {
    this.processor =
      options.processor ?? new InProcessBatches({ maxCachedSessions: options.maxCachedSessions, maxCachedBytes: options.maxCachedBytes });
    this.outOfOrder = new TokenBuckets(options.outOfOrderRebuilds ?? DEFAULT_OUT_OF_ORDER_REBUILDS, options.now);
  }

  private get inProcessStats(): EngineStats {
    if (!(this.processor instanceof InProcessBatches)) {
      throw new Error('the scrubbers are held by the ingest workers; ask `await recordings.stats()`');
    }
    return this.processor.engine.stats();
  }

  /** How many session scrubbers are held (for tests and metrics; on the main thread only). */
  get cachedScrubbers(): number {
    return this.inProcessStats.cachedScrubbers;
  }

  /** Their estimated memory in bytes (on the main thread only). */
  get cachedScrubberBytes(): number {
    return this.inProcessStats.cachedScrubberBytes;
  }

  /** The scrubber cache and parked batches, wherever they are held. */
  stats(): Promise<EngineStats> {
    return this.processor.stats();
  }

  /** Parses and validates an inflated body; a batch it accepts is held until {@link store} or {@link discard}. */
  decode(json: Buffer): Promise<Decoded> {
    return this.processor.decode(json);
  }

  /** Lets go of a decoded batch that is refused before it is stored. */
  async discard(ref: BatchRef): Promise<void> {
    await this.processor.finish(ref, { siteId: -1, sessionId: '', stored: false });
  }

  /** Scrubs and stores one batch for a site whose key the caller has checked. */
  store(site: Pick<Site, 'id' | 'privacy' | 'recordInputs'>, batch: BatchToStore, receivedAt: number): Promise<StoreOutcome> {
    const { sessionId, seq } = batch;
    return this.locks.run(site.id, sessionId, async () => {
      const ref = batch.ref ?? (await this.processor.park(sessionId, batch.events ?? []));
      let stored = false;
      try {
        if (await this.storage.hasBatch(site.id, sessionId, seq)) return { duplicate: true } as const;

        // the site as read for this request: a settings change applies from the next batch on
        const target = { siteId: site.id, privacy: site.privacy, recordInputs: site.recordInputs, sessionId, seq };
        let scrubbed = await this.processor.scrub(ref, target);
        if (scrubbed.needsRebuild) {
          // The session's next batch rebuilds freely (a restart, another instance
          // took the previous one); anything else is what an attacker would repeat.
          const session = await this.storage.getSession(site.id, sessionId);
          if (session && seq !== session.maxSeq + 1) {
            const taken = this.outOfOrder.take(sessionKey(site.id, sessionId));
            if (!taken.ok) throw new RebuildLimited(taken.retryAfterSeconds);
          }
          this.rebuilds++;
          const rebuildFrom = (await this.storage.batchesForRebuild(site.id, sessionId, seq)).map((stored) => stored.blob);
          scrubbed = await this.processor.scrub(ref, { ...target, rebuildFrom });
          if (scrubbed.needsRebuild) throw new Error('the scrubber asked for a rebuild twice');
        }
        const { gap } = await this.storage.writeBatch({
          siteId: site.id,
          sessionId,
          seq,
          visitorId: batch.visitorId ?? null,
          receivedAt,
          blob: Buffer.from(scrubbed.blob.buffer, scrubbed.blob.byteOffset, scrubbed.blob.byteLength),
          eventCount: scrubbed.eventCount,
          ...scrubbed.summary,
          droppedBatches: batch.dropped?.batches ?? 0,
          droppedEvents: batch.dropped?.events ?? 0,
        });
        stored = true;
        return { duplicate: false, gap } as const;
      } finally {
        // before the lock is let go: the session's next batch finds the cache as this one left it
        await this.processor.finish(ref, { siteId: site.id, sessionId, stored });
      }
    });
  }

  /**
   * Deletes a session and everything recorded in it; returns how many
   * sessions went (0 or 1). Waits for a batch of it in progress, so that no
   * scrubber that saw the deleted batches is cached afterwards.
   */
  deleteSession(siteId: number, sessionId: string): Promise<number> {
    return this.locks.run(siteId, sessionId, async () => {
      const removed = await this.storage.deleteSession(siteId, sessionId);
      await this.processor.forget(siteId, sessionId);
      return removed;
    });
  }

  /** Deletes every session of one visitor; returns how many went. */
  async deleteVisitor(siteId: number, visitorId: string): Promise<number> {
    const removed = await this.storage.deleteVisitor(siteId, visitorId);
    // Which sessions went is not known here; a forgotten scrubber costs one rebuild at most.
    if (removed) await this.processor.forgetSite(siteId);
    return removed;
  }

  /** Deletes one site's sessions whose last batch arrived before `before` (its own retention). */
  async purgeSiteBefore(siteId: number, before: number): Promise<number> {
    const removed = await this.storage.purgeSiteSessionsBefore(siteId, before);
    if (removed) await this.processor.forgetSite(siteId);
    return removed;
  }

  /** Deletes sessions whose last batch arrived before `before` (ms); returns how many. */
  async purgeBefore(before: number): Promise<number> {
    const removed = await this.storage.purgeSessionsBefore(before);
    if (removed) await this.processor.clear();
    return removed;
  }
}
