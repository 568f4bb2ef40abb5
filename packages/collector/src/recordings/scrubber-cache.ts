// The scrubbers of sessions in progress, least recently used first out. An
// entry is only worth keeping while it has consumed exactly the stored batches
// up to `lastSeq`; the pipeline takes it out before using it and puts it back
// only after the batch it scrubbed was written.
import type { PrivacyMode, Scrubber } from '@veil/core/engine';
import { sessionKey } from './session-lock';

export interface CachedScrubber {
  scrubber: Scrubber;
  /** The site's mode it was made with: a site whose mode changed gets a new one. */
  privacy: PrivacyMode;
  /** The last batch it consumed. */
  lastSeq: number;
}

export const DEFAULT_MAX_CACHED_SESSIONS = 2000;

export class ScrubberCache {
  // A Map iterates in insertion order: re-inserting on use makes the first key the least recently used.
  private readonly entries = new Map<string, CachedScrubber>();

  constructor(private readonly maxSessions = DEFAULT_MAX_CACHED_SESSIONS) {}

  get size(): number {
    return this.entries.size;
  }

  /** Removes and returns the session's scrubber, if one is cached. */
  take(siteId: number, sessionId: string): CachedScrubber | undefined {
    const key = sessionKey(siteId, sessionId);
    const entry = this.entries.get(key);
    this.entries.delete(key);
    return entry;
  }

  keep(siteId: number, sessionId: string, entry: CachedScrubber): void {
    const key = sessionKey(siteId, sessionId);
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.maxSessions) this.entries.delete(this.entries.keys().next().value!);
  }

  forget(siteId: number, sessionId: string): void {
    this.entries.delete(sessionKey(siteId, sessionId));
  }

  /** Forgets every session of a site (when which of them were deleted is not known). */
  forgetSite(siteId: number): void {
    const prefix = sessionKey(siteId, '');
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
