// The scrubbers of sessions in progress, least recently used first out,
// bounded by an estimate of their memory as well as by count: one scrubber
// keeps a map of every node of its page (about 14 MiB for a 100k-node page),
// so 2,000 of them could exhaust the heap. An
// entry is only worth keeping while it has consumed exactly the stored batches
// up to `lastSeq`; the pipeline takes it out before using it and puts it back
// only after the batch it scrubbed was written.
import type { PrivacyMode, Scrubber } from '@veil/core/engine';
import { sessionKey } from './session-lock';

export interface CachedScrubber {
  scrubber: Scrubber;
  /** The site's mode it was made with: a site whose mode changed gets a new one. */
  privacy: PrivacyMode;
  /** The site's "record form inputs" it was made with: a change gets a new one too. */
  recordInputs: boolean;
  /** The last batch it consumed. */
  lastSeq: number;
  /**
   * JSON bytes of the batches it consumed since the last full snapshot: its
   * node map grows with them (a snapshot's JSON is mostly its nodes).
   */
  jsonBytes: number;
}

export const DEFAULT_MAX_CACHED_SESSIONS = 2000;
export const DEFAULT_MAX_CACHED_BYTES = 256 * 1024 * 1024;
/**
 * In-memory size of a scrubber per byte of the JSON it consumed: a node map
 * entry (object, id, policy) weighs about twice the node's serialized form.
 */
export const SCRUBBER_BYTES_PER_JSON_BYTE = 2;
const ENTRY_OVERHEAD = 4096;

export const estimatedBytes = (entry: Pick<CachedScrubber, 'jsonBytes'>) => ENTRY_OVERHEAD + entry.jsonBytes * SCRUBBER_BYTES_PER_JSON_BYTE;

export class ScrubberCache {
  // A Map iterates in insertion order: re-inserting on use makes the first key the least recently used.
  private readonly entries = new Map<string, CachedScrubber>();
  private total = 0;

  constructor(
    private readonly maxSessions = DEFAULT_MAX_CACHED_SESSIONS,
    private readonly maxBytes = DEFAULT_MAX_CACHED_BYTES,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The estimated memory of the cached scrubbers. */
  get bytes(): number {
    return this.total;
  }

  /** The most estimated memory it keeps. */
  get bytesLimit(): number {
    return this.maxBytes;
  }

  private remove(key: string): CachedScrubber | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      this.total -= estimatedBytes(entry);
    }
    return entry;
  }

  /** Removes and returns the session's scrubber, if one is cached. */
  take(siteId: number, sessionId: string): CachedScrubber | undefined {
    return this.remove(sessionKey(siteId, sessionId));
  }

  keep(siteId: number, sessionId: string, entry: CachedScrubber): void {
    const key = sessionKey(siteId, sessionId);
    this.remove(key);
    const size = estimatedBytes(entry);
    // a scrubber larger than the whole budget is rebuilt when needed rather than evicting everyone
    if (size > this.maxBytes) return;
    this.entries.set(key, entry);
    this.total += size;
    while (this.entries.size > this.maxSessions || this.total > this.maxBytes) this.remove(this.entries.keys().next().value!);
  }

  forget(siteId: number, sessionId: string): void {
    this.remove(sessionKey(siteId, sessionId));
  }

  /** Forgets every session of a site (when which of them were deleted is not known). */
  forgetSite(siteId: number): void {
    const prefix = sessionKey(siteId, '');
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix)) this.remove(key);
  }

  clear(): void {
    this.entries.clear();
    this.total = 0;
  }
}
