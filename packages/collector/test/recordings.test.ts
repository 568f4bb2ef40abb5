// The recordings pipeline on its own (no HTTP): the order of its steps, the
// scrubber cache around them, and deletion. Gap, blob and summary helpers too.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CUSTOM_EVENT_PREFIX, EventType, NAVIGATION_EVENT, type RecordedEvent } from '@veil/core/engine';
import { decodeBlob, encodeBlob } from '../src/recordings/blob';
import { Recordings } from '../src/recordings/recordings';
import { summarize } from '../src/recordings/summary';
import { addSite } from '../src/settings/sites';
import { gapBefore } from '../src/storage/gaps';
import { createSqliteStorage } from '../src/storage/sqlite';
import type { Site, Storage } from '../src/storage/types';
import { ORIGIN, PLAIN, T0, firstEvents, inputEvent, laterEvents } from './helpers';

// Counts every event any scrubber made from here on is asked about.
const scrubbed = vi.hoisted(() => ({ count: 0 }));
vi.mock('@veil/core/engine', async (importOriginal) => {
  const engine = await importOriginal<typeof import('@veil/core/engine')>();
  return {
    ...engine,
    createScrubber: (options?: Parameters<typeof engine.createScrubber>[0]) => {
      const { scrub } = engine.createScrubber(options);
      return {
        scrub: (event: RecordedEvent) => {
          scrubbed.count += 1;
          return scrub(event);
        },
      };
    },
  };
});

const events = (make: () => unknown[]) => make() as RecordedEvent[];
// Fresh objects every time: the scrubber scrubs events in place.
const first = (sessionId = 'session-1') => ({ sessionId, seq: 0, events: events(firstEvents) });
const second = () => ({ sessionId: 'session-1', seq: 1, events: events(laterEvents) });

let storage: Storage;
let site: Site;
let recordings: Recordings;
beforeEach(async () => {
  storage = createSqliteStorage({ filename: ':memory:' });
  await storage.migrate();
  ({ site } = await addSite(storage, { name: 'shop', origins: [ORIGIN], privacy: 'relaxed' }));
  recordings = new Recordings(storage);
  scrubbed.count = 0;
});
afterEach(async () => {
  vi.restoreAllMocks();
  await storage.close();
});

async function stored(sessionId = 'session-1') {
  const out = [];
  for (const batch of await storage.getBatches(site.id, sessionId)) out.push(...(await decodeBlob(batch.blob)));
  return JSON.stringify(out);
}

describe('storing a batch', () => {
  it('answers a repeated batch as a duplicate before scrubbing it, and leaves the cached scrubber for the next batch', async () => {
    expect(await recordings.store(site, first(), T0)).toEqual({ duplicate: false, gap: null });
    expect(scrubbed.count).toBe(firstEvents().length);
    const write = vi.spyOn(storage, 'writeBatch');
    const rebuild = vi.spyOn(storage, 'batchesForRebuild');
    const scrubsBefore = scrubbed.count;

    expect(await recordings.store(site, first(), T0)).toEqual({ duplicate: true });
    expect(scrubbed.count).toBe(scrubsBefore);
    expect(write).not.toHaveBeenCalled();
    expect(recordings.cachedScrubbers).toBe(1);

    // the cached scrubber, still one batch behind, takes the next batch without a rebuild
    expect(await recordings.store(site, second(), T0 + 1000)).toEqual({ duplicate: false, gap: null });
    expect(rebuild).not.toHaveBeenCalled();
    expect(await stored()).toContain(PLAIN.secondBatch);
  });

  it('caches the scrubber only after the write: a failed write leaves none, and the next try rebuilds from storage', async () => {
    await recordings.store(site, first(), T0);
    const realWrite = storage.writeBatch.bind(storage);
    vi.spyOn(storage, 'writeBatch').mockRejectedValueOnce(new Error('disk full'));
    await expect(recordings.store(site, second(), T0 + 1000)).rejects.toThrow('disk full');
    expect(recordings.cachedScrubbers).toBe(0);

    vi.spyOn(storage, 'writeBatch').mockImplementation(realWrite);
    const rebuild = vi.spyOn(storage, 'batchesForRebuild');
    expect(await recordings.store(site, second(), T0 + 1000)).toEqual({ duplicate: false, gap: null });
    expect(rebuild).toHaveBeenCalledTimes(1);
    expect(recordings.cachedScrubbers).toBe(1);
    expect(await stored()).toContain(PLAIN.secondBatch);
  });

  it('rebuilds a scrubber made for another privacy mode', async () => {
    await recordings.store(site, first(), T0);
    const rebuild = vi.spyOn(storage, 'batchesForRebuild');
    await recordings.store({ ...site, privacy: 'strict' }, second(), T0 + 1000);
    expect(rebuild).toHaveBeenCalledTimes(1);
  });

  it('reports the gap a batch opens', async () => {
    await recordings.store(site, first(), T0);
    const outcome = await recordings.store(
      site,
      { sessionId: 'session-1', seq: 3, events: [inputEvent(11, 'wool', T0 + 5)] as RecordedEvent[] },
      T0 + 9,
    );
    expect(outcome).toEqual({ duplicate: false, gap: { expectedSeq: 1, receivedSeq: 3, receivedAt: T0 + 9 } });
  });
});

describe('deleting', () => {
  it('a session forgets its scrubber: a later batch of it cannot lean on the deleted snapshot', async () => {
    await recordings.store(site, first(), T0);
    expect(recordings.cachedScrubbers).toBe(1);
    expect(await recordings.deleteSession(site.id, 'session-1')).toBe(1);
    expect(recordings.cachedScrubbers).toBe(0);
    await recordings.store(site, second(), T0 + 1000);
    expect(await stored()).not.toContain(PLAIN.secondBatch);
  });

  it('a session waits for a batch of it that is being stored', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const realWrite = storage.writeBatch.bind(storage);
    vi.spyOn(storage, 'writeBatch').mockImplementationOnce(async (batch) => {
      await gate;
      return realWrite(batch);
    });
    const storing = recordings.store(site, first(), T0);
    const deleting = recordings.deleteSession(site.id, 'session-1');
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    await storing;
    expect(await deleting).toBe(1);
    expect(recordings.cachedScrubbers).toBe(0);
    expect(await storage.getBatches(site.id, 'session-1')).toEqual([]);
  });

  it('a visitor forgets the scrubbers of the site, and a purge forgets them all', async () => {
    await recordings.store(site, { ...first(), visitorId: 'visitor-a' }, T0);
    await recordings.store(site, first('session-2'), T0);
    expect(recordings.cachedScrubbers).toBe(2);
    expect(await recordings.deleteVisitor(site.id, 'visitor-a')).toBe(1);
    expect(recordings.cachedScrubbers).toBe(0);

    await recordings.store(site, first('session-3'), T0);
    expect(recordings.cachedScrubbers).toBe(1);
    expect(await recordings.purgeBefore(Number.MAX_SAFE_INTEGER)).toBe(2);
    expect(recordings.cachedScrubbers).toBe(0);
  });
});

describe('the pieces', () => {
  it('gapBefore: none for the next batch or a late one, expected vs received when seq skips ahead', () => {
    expect(gapBefore(null, 0, 1)).toBeNull();
    expect(gapBefore(-1, 0, 1)).toBeNull();
    expect(gapBefore(null, 2, 1)).toEqual({ expectedSeq: 0, receivedSeq: 2, receivedAt: 1 });
    expect(gapBefore(4, 5, 1)).toBeNull();
    expect(gapBefore(4, 2, 1)).toBeNull();
    expect(gapBefore(4, 7, 1)).toEqual({ expectedSeq: 5, receivedSeq: 7, receivedAt: 1 });
  });

  it('a blob is a gzip JSON array that decodes to the same events', async () => {
    const blob = await encodeBlob(events(firstEvents));
    expect([blob[0], blob[1]]).toEqual([0x1f, 0x8b]);
    expect(await decodeBlob(blob)).toEqual(firstEvents());
  });

  it('summarize counts page loads and Veil navigations, not other custom events', () => {
    const summary = summarize([
      ...events(firstEvents),
      { type: EventType.Custom, timestamp: T0 + 10, data: { tag: NAVIGATION_EVENT, payload: { href: `${ORIGIN}/cart` } } },
      { type: EventType.Custom, timestamp: T0 + 20, data: { tag: `${CUSTOM_EVENT_PREFIX}other`, payload: {} } },
    ]);
    expect(summary).toEqual({
      firstTimestamp: T0,
      lastTimestamp: T0 + 20,
      pages: 2,
      hasFullSnapshot: true,
      clicks: 0,
      inputs: 2,
      urls: [
        { url: `${ORIGIN}/checkout`, at: T0 },
        { url: `${ORIGIN}/cart`, at: T0 + 10 },
      ],
    });
  });
});
