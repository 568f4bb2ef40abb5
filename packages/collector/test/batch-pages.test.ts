// storage.batchesAfter, the query behind events.json's pages, on both back ends.
import { afterEach, describe, expect, it } from 'vitest';
import {
  RECORDING_BACKENDS,
  needsPostgres,
  batch,
  firstEvents,
  laterEvents,
  send,
  startTestCollector,
  T0,
  type Backend,
  type TestCollector,
} from './helpers';

for (const backend of RECORDING_BACKENDS) {
  describe.skipIf(needsPostgres(backend))(`batchesAfter with ${backend}`, () => {
    let t: TestCollector | undefined;
    afterEach(async () => {
      await t?.close();
      t = undefined;
    });

    it('pages through a session in seq order, over a missing seq, and ends empty', async () => {
      t = await startTestCollector(backend as Backend);
      for (const seq of [0, 1, 2, 4, 5]) {
        const events = seq === 0 ? firstEvents() : laterEvents(T0 + seq * 5000);
        expect((await send(t.collector, batch({ siteKey: t.key, sessionId: 'paged', seq, events }))).statusCode).toBe(200);
      }
      const seqs = async (after: number, limit: number) =>
        (await t!.collector.storage.batchesAfter(t!.siteId, 'paged', after, limit)).map((b) => b.seq);
      expect(await seqs(-1, 2)).toEqual([0, 1]);
      expect(await seqs(1, 10)).toEqual([2, 4, 5]);
      expect(await seqs(2, 1)).toEqual([4]);
      expect(await seqs(5, 10)).toEqual([]);
      expect(await t.collector.storage.batchesAfter(t.siteId, 'no-such-session', -1, 10)).toEqual([]);
    });
  });
}
