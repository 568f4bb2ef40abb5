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
import { encodeBlobSized } from './blob';
import { ScrubberCache } from './scrubber-cache';
import { needsRebuild, scrubEvents, scrubberFor } from './scrubbing';
import { SessionLocks, sessionKey } from './session-lock';
import { summarize } from './summary';

/** What the pipeline needs of a validated batch. */
export interface BatchToStore extends Pick<RecordingBatch, 'sessionId' | 'seq' | 'visitorId'> {
  events: RecordedEvent[];
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
  private readonly scrubbers: ScrubberCache;
  private readonly outOfOrder: TokenBuckets;
  /** Scrubbers rebuilt from storage (for tests and metrics). */
  rebuilds = 0;

  constructor(
    private readonly storage: Storage,
    options: RecordingsOptions = {},
  ) {
    this.scrubbers = new ScrubberCache(options.maxCachedSessions, options.maxCachedBytes);
    this.outOfOrder = new TokenBuckets(options.outOfOrderRebuilds ?? DEFAULT_OUT_OF_ORDER_REBUILDS, options.now);
  }

  /** How many session scrubbers are held (for tests and metrics). */
  get cachedScrubbers(): number {
    return this.scrubbers.size;
  }

  /** Their estimated memory in bytes. */
  get cachedScrubberBytes(): number {
    return this.scrubbers.bytes;
  }

  /** Scrubs and stores one batch for a site whose key the caller has checked. */
  store(site: Pick<Site, 'id' | 'privacy' | 'recordInputs'>, batch: BatchToStore, receivedAt: number): Promise<StoreOutcome> {
    const { sessionId, seq } = batch;
    return this.locks.run(site.id, sessionId, async () => {
      if (await this.storage.hasBatch(site.id, sessionId, seq)) return { duplicate: true } as const;

      const cached = this.scrubbers.take(site.id, sessionId);
      // the site as read for this request: a settings change applies from the next batch on
      const target = { siteId: site.id, privacy: site.privacy, recordInputs: site.recordInputs, sessionId, seq, events: batch.events };
      if (needsRebuild(cached, target)) {
        // The session's next batch rebuilds freely (a restart, another instance
        // took the previous one); anything else is what an attacker would repeat.
        const stored = await this.storage.getSession(site.id, sessionId);
        if (stored && seq !== stored.maxSeq + 1) {
          const taken = this.outOfOrder.take(sessionKey(site.id, sessionId));
          if (!taken.ok) {
            if (cached) this.scrubbers.keep(site.id, sessionId, cached);
            throw new RebuildLimited(taken.retryAfterSeconds);
          }
        }
        this.rebuilds++;
      }
      const session = await scrubberFor(cached, target, this.storage);
      const events = scrubEvents(session.scrubber, batch.events);
      const summary = summarize(events);
      const { blob, jsonBytes } = await encodeBlobSized(events);
      const { gap } = await this.storage.writeBatch({
        siteId: site.id,
        sessionId,
        seq,
        visitorId: batch.visitorId ?? null,
        receivedAt,
        blob,
        eventCount: events.length,
        ...summary,
        droppedBatches: batch.dropped?.batches ?? 0,
        droppedEvents: batch.dropped?.events ?? 0,
      });
      this.scrubbers.keep(site.id, sessionId, {
        ...session,
        lastSeq: seq,
        jsonBytes: summary.hasFullSnapshot ? jsonBytes : session.jsonBytes + jsonBytes,
      });
      return { duplicate: false, gap } as const;
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
      this.scrubbers.forget(siteId, sessionId);
      return removed;
    });
  }

  /** Deletes every session of one visitor; returns how many went. */
  async deleteVisitor(siteId: number, visitorId: string): Promise<number> {
    const removed = await this.storage.deleteVisitor(siteId, visitorId);
    // Which sessions went is not known here; a forgotten scrubber costs one rebuild at most.
    if (removed) this.scrubbers.forgetSite(siteId);
    return removed;
  }

  /** Deletes one site's sessions whose last batch arrived before `before` (its own retention). */
  async purgeSiteBefore(siteId: number, before: number): Promise<number> {
    const removed = await this.storage.purgeSiteSessionsBefore(siteId, before);
    if (removed) this.scrubbers.forgetSite(siteId);
    return removed;
  }

  /** Deletes sessions whose last batch arrived before `before` (ms); returns how many. */
  async purgeBefore(before: number): Promise<number> {
    const removed = await this.storage.purgeSessionsBefore(before);
    if (removed) this.scrubbers.clear();
    return removed;
  }
}
