// The core's scrubber decides each event from a map of the recorded tree that
// it builds from the full snapshot and the mutations it has passed, and drops
// events about nodes it has never seen. A batch without a full snapshot can
// therefore only be scrubbed by a scrubber that has consumed the session's
// earlier batches. Those are kept here per session (bounded LRU); when the
// cached one is not exactly one batch behind (first sight, restart, another
// instance took the previous batch, out-of-order delivery), a fresh one is fed
// the stored batches since the latest full snapshot.
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { createScrubber, type RecordedEvent, type Scrubber } from '@veil/core';
import type { SitePrivacy, Storage, StoredBatch } from './storage/types';

const gunzipAsync = promisify(gunzip);

const FULL_SNAPSHOT = 2;
const INCREMENTAL = 3;

interface Cached {
  scrubber: Scrubber;
  privacy: SitePrivacy;
  lastSeq: number;
}

export type ProcessOutcome<T> = { duplicate: true } | { duplicate: false; result: T };

/** Decodes a stored blob (gzip JSON array of events). */
export async function decodeBlob(blob: Buffer): Promise<RecordedEvent[]> {
  return JSON.parse((await gunzipAsync(blob)).toString('utf8')) as RecordedEvent[];
}

/** True when every incremental event of the batch comes after one of its full snapshots. */
function startsFresh(events: RecordedEvent[]): boolean {
  for (const event of events) {
    if (event.type === FULL_SNAPSHOT) return true;
    if (event.type === INCREMENTAL) return false;
  }
  return false;
}

export class ScrubSessions {
  private readonly cache = new Map<string, Cached>();
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(
    private readonly storage: Storage,
    private readonly maxSessions = 2000,
  ) {}

  /** How many scrubbers are held (for tests and metrics). */
  get size(): number {
    return this.cache.size;
  }

  /**
   * Scrubs one batch with the session's scrubber and hands the result to
   * `store`, one batch per session at a time (a beacon racing a fetch for the
   * same session must not interleave inside a scrubber).
   */
  async process<T extends { stored: boolean }>(
    site: { id: number; privacy: SitePrivacy },
    sessionId: string,
    seq: number,
    events: RecordedEvent[],
    store: (scrubbed: RecordedEvent[]) => Promise<T>,
  ): Promise<ProcessOutcome<T>> {
    const key = `${site.id}\u0000${sessionId}`;
    return this.exclusive(key, async () => {
      if (await this.storage.hasBatch(site.id, sessionId, seq)) return { duplicate: true } as const;
      let entry = this.cache.get(key);
      this.cache.delete(key);
      if (!entry || entry.lastSeq !== seq - 1 || entry.privacy !== site.privacy) {
        entry = { scrubber: createScrubber({ privacy: site.privacy }), privacy: site.privacy, lastSeq: -1 };
        if (!startsFresh(events) && seq > 0) {
          await this.feed(entry.scrubber, await this.storage.batchesForRebuild(site.id, sessionId, seq));
        }
      }
      const scrubbed: RecordedEvent[] = [];
      for (const event of events) {
        const clean = entry.scrubber.scrub(event);
        if (clean) scrubbed.push(clean);
      }
      // On failure or a duplicate the scrubber has consumed events that are not
      // stored: it stays out of the cache and the next batch rebuilds.
      const result = await store(scrubbed);
      if (!result.stored) return { duplicate: true } as const;
      entry.lastSeq = seq;
      this.cache.set(key, entry);
      if (this.cache.size > this.maxSessions) this.cache.delete(this.cache.keys().next().value!);
      return { duplicate: false, result } as const;
    });
  }

  /** Forgets a session's scrubber (its recording was deleted). */
  forget(siteId: number, sessionId: string): void {
    this.cache.delete(`${siteId}\u0000${sessionId}`);
  }

  clear(): void {
    this.cache.clear();
  }

  private async feed(scrubber: Scrubber, batches: StoredBatch[]): Promise<void> {
    for (const batch of batches) {
      for (const event of await decodeBlob(batch.blob)) scrubber.scrub(event);
    }
  }

  private async exclusive<R>(key: string, fn: () => Promise<R>): Promise<R> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.locks.set(key, tail);
    try {
      return await run;
    } finally {
      if (this.locks.get(key) === tail) this.locks.delete(key);
    }
  }
}
