// The core's scrubber decides each event from a map of the recorded tree that
// it builds from the full snapshot and the mutations it has passed, and drops
// events about nodes it has never seen. A batch without a full snapshot can
// therefore only be scrubbed by a scrubber that has consumed the session's
// earlier batches. When the cached one is not exactly one batch behind (first
// sight, restart, another instance took the previous batch, out-of-order
// delivery) or was made for other settings (mode, input recording), a fresh one is fed the stored
// batches since the latest full snapshot.
import { createScrubber, EventType, type PrivacyMode, type RecordedEvent, type Scrubber } from '@veil/core/engine';
import { decodeBlobSized } from './blob';
import type { CachedScrubber } from './scrubber-cache';

export interface ScrubTarget {
  siteId: number;
  privacy: PrivacyMode;
  /** The site's "record form inputs"; false masks every input value whatever the mode. */
  recordInputs: boolean;
  sessionId: string;
  seq: number;
  events: RecordedEvent[];
}

/** Whether the cached scrubber can take this batch as it is. */
export const fits = (cached: CachedScrubber | undefined, target: Pick<ScrubTarget, 'seq' | 'privacy' | 'recordInputs'>) =>
  Boolean(cached && cached.lastSeq === target.seq - 1 && cached.privacy === target.privacy && cached.recordInputs === target.recordInputs);

/** The scrubber for a site's current settings: the core's, with the site's mode and form-input setting. */
export function createSiteScrubber(settings: Pick<ScrubTarget, 'privacy' | 'recordInputs'>): Scrubber {
  return createScrubber({ privacy: settings.privacy, recordInputs: settings.recordInputs });
}

/** Whether a scrubber for this batch must be fed the session's stored batches first. */
export const needsRebuild = (cached: CachedScrubber | undefined, target: ScrubTarget) =>
  !fits(cached, target) && target.seq > 0 && !startsFresh(target.events);

/**
 * A scrubber that has consumed every stored batch of the session before
 * `target.seq` that it needs: the cached one when it fits, else a fresh one,
 * fed `storedBlobs` (the session's stored batches since its latest full
 * snapshot, which the caller reads when {@link needsRebuild} says so).
 */
export async function scrubberFor(
  cached: CachedScrubber | undefined,
  target: ScrubTarget,
  storedBlobs: readonly Uint8Array[],
): Promise<CachedScrubber> {
  if (fits(cached, target)) return cached!;
  const fresh: CachedScrubber = {
    scrubber: createSiteScrubber(target),
    privacy: target.privacy,
    recordInputs: target.recordInputs,
    lastSeq: -1,
    jsonBytes: 0,
  };
  if (needsRebuild(cached, target)) {
    for (const blob of storedBlobs) {
      const { events, jsonBytes } = await decodeBlobSized(Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength));
      fresh.jsonBytes += jsonBytes;
      for (const event of events) fresh.scrubber.scrub(event);
    }
  }
  return fresh;
}

/** The events the scrubber lets through, scrubbed; it learns from every one of them. */
export function scrubEvents(scrubber: Scrubber, events: RecordedEvent[]): RecordedEvent[] {
  const kept: RecordedEvent[] = [];
  for (const event of events) {
    const clean = scrubber.scrub(event);
    if (clean) kept.push(clean);
  }
  return kept;
}

/** True when every incremental event of the batch comes after one of its full snapshots. */
function startsFresh(events: RecordedEvent[]): boolean {
  for (const event of events) {
    if (event.type === EventType.FullSnapshot) return true;
    if (event.type === EventType.IncrementalSnapshot) return false;
  }
  return false;
}
