// Finding 2 of issue 18: the scrubbers of sessions in progress are bounded by
// memory, not count, and a batch out of sequence cannot make the server
// re-read and re-scrub a session's stored batches over and over.
import { afterEach, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '@veil/core/engine';
import { Recordings, RebuildLimited } from '../src/recordings/recordings';
import { addSite } from '../src/settings/sites';
import { createSqliteStorage } from '../src/storage/sqlite';
import type { Site, Storage } from '../src/storage/types';
import { ORIGIN, T0, batch, firstEvents, inputEvent, paragraphPage, send, startTestCollector, type TestCollector } from './helpers';

/** A page of `n` paragraphs (about 100 bytes of JSON each). */
const bigPage = (n: number) => paragraphPage(n);

describe('the scrubber cache is bounded by memory', () => {
  let storage: Storage;
  let site: Site;
  afterEach(async () => storage.close());

  it('keeps only as many large-page scrubbers as fit in its byte budget, and none larger than the budget', async () => {
    storage = createSqliteStorage({ filename: ':memory:' });
    await storage.migrate();
    ({ site } = await addSite(storage, { name: 'shop', origins: [ORIGIN], privacy: 'relaxed' }));
    const budget = 1_000_000;
    const recordings = new Recordings(storage, { maxCachedBytes: budget });
    for (let i = 0; i < 20; i++) await recordings.store(site, { sessionId: `s${i}`, seq: 0, events: bigPage(2000) }, T0);
    expect(recordings.cachedScrubberBytes).toBeLessThanOrEqual(budget);
    expect(recordings.cachedScrubbers).toBeGreaterThan(0);
    expect(recordings.cachedScrubbers).toBeLessThan(20);

    const before = recordings.cachedScrubbers;
    await recordings.store(site, { sessionId: 'huge', seq: 0, events: bigPage(10_000) }, T0);
    expect(recordings.cachedScrubbers).toBe(before);
    // small pages still share the budget as before
    await recordings.store(site, { sessionId: 'small', seq: 0, events: firstEvents() as RecordedEvent[] }, T0);
    expect(recordings.cachedScrubbers).toBeGreaterThanOrEqual(1);
    expect(recordings.cachedScrubberBytes).toBeLessThanOrEqual(budget);
  });
});

describe('batches out of sequence', () => {
  let t: TestCollector | undefined;
  let storage: Storage | undefined;
  afterEach(async () => {
    await t?.close();
    await storage?.close();
    t = storage = undefined;
  });

  const tiny = (seq: number) => ({ sessionId: 'session-1', seq, events: [inputEvent(11, `typed ${seq}`, T0 + seq)] as RecordedEvent[] });

  it('rebuild a scrubber only a few times per session; then 429 with Retry-After, and the session goes on', async () => {
    t = await startTestCollector('sqlite', { collector: { outOfOrderRebuilds: { perSecond: 0.001, burst: 3 } } });
    const post = (seq: number, events = [inputEvent(11, `typed ${seq}`, T0 + seq)]) =>
      send(t!.collector, batch({ siteKey: t!.key, seq, events }));
    expect((await post(0, firstEvents())).statusCode).toBe(200);
    expect((await post(1)).statusCode).toBe(200);
    // a jump ahead and holes filled behind: each would re-read and re-scrub the stored batches
    const codes = [];
    for (const seq of [9, 2, 4, 6, 8]) codes.push((await post(seq)).statusCode);
    expect(codes).toEqual([200, 200, 200, 429, 429]);
    const refused = await post(7);
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.json().error).toMatch(/out of sequence/);
    // the session's next batch is never held back
    expect((await post(10)).statusCode).toBe(200);
    expect((await post(11)).statusCode).toBe(200);
  });

  it('count rebuilds: the next batch after a restart rebuilds freely, stale or far-ahead ones only within the budget', async () => {
    storage = createSqliteStorage({ filename: ':memory:' });
    await storage.migrate();
    const { site } = await addSite(storage, { name: 'shop', origins: [ORIGIN], privacy: 'relaxed' });
    const first = new Recordings(storage);
    await first.store(site, { sessionId: 'session-1', seq: 0, events: bigPage(500) }, T0);
    await first.store(site, tiny(1), T0);
    await first.store(site, tiny(3), T0); // leaves a hole at 2

    // a second instance (or a restart) takes the session's next batch
    const second = new Recordings(storage, { outOfOrderRebuilds: { perSecond: 0.001, burst: 1 } });
    await second.store(site, tiny(4), T0);
    expect(second.rebuilds).toBe(1);
    await second.store(site, tiny(2), T0); // the hole, filled: within the budget
    expect(second.rebuilds).toBe(2);
    for (const seq of [7, 8, 9]) await expect(second.store(site, tiny(seq), T0)).rejects.toBeInstanceOf(RebuildLimited);
    expect(second.rebuilds).toBe(2);
    expect(await storage.hasBatch(site.id, 'session-1', 7)).toBe(false);
    await second.store(site, tiny(5), T0); // the session's next one again
    expect(second.rebuilds).toBe(3);
  });
});
