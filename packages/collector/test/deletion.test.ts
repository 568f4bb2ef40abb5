// Finding 7 of issue 18: on SQLite, deleted recordings must be gone from the
// raw bytes of the database file and its WAL, not just from the tables: no
// session id, no visitor id, and no gzip stream that inflates to the page text.
import { existsSync, readFileSync } from 'node:fs';
import { inflateRawSync, constants } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { batch, send, startTestCollector, T0, textEdit, firstEvents, type TestCollector } from './helpers';

const DAY = 24 * 60 * 60 * 1000;

/**
 * Every text that some gzip stream in `bytes` inflates to (streams cut short
 * too). The deflate data after each gzip header is inflated raw, so whatever
 * follows a stream in the file (the next cell's header) does not matter.
 */
function inflatedTexts(bytes: Buffer): string[] {
  const out: string[] = [];
  for (let i = bytes.indexOf(Buffer.from([0x1f, 0x8b, 0x08])); i >= 0; i = bytes.indexOf(Buffer.from([0x1f, 0x8b, 0x08]), i + 1)) {
    try {
      out.push(inflateRawSync(bytes.subarray(i + 10), { finishFlush: constants.Z_SYNC_FLUSH }).toString('latin1'));
    } catch {
      /* not a stream after all */
    }
  }
  return out;
}

/** The database file and its WAL, as an attacker with the disk would read them. */
function rawBytes(database: string): Buffer {
  const files = [database, `${database}-wal`].filter((f) => existsSync(f));
  return Buffer.concat(files.map((f) => readFileSync(f)));
}

describe('deleted data is gone from disk (SQLite)', () => {
  let t: TestCollector | undefined;
  let clock = T0 + 1000;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('after delete --session, delete --visitor and the retention purge, neither ids nor page text can be found in the file or the WAL', async () => {
    t = await startTestCollector('sqlite', { collector: { now: () => clock } });
    const recorded = [
      { sessionId: 'sess-deleted-by-id-4c1e', visitorId: 'visitor-keep-me-out-1', text: 'Pagetext of the first 60521' },
      { sessionId: 'sess-deleted-by-visitor-9a2b', visitorId: 'visitor-requested-erasure-77', text: 'Pagetext of the second 60522' },
      { sessionId: 'sess-purged-by-retention-3f7d', visitorId: 'visitor-purged-31', text: 'Pagetext of the third 60523' },
    ];
    for (const r of recorded) {
      const res = await send(
        t.collector,
        batch({ siteKey: t.key, sessionId: r.sessionId, visitorId: r.visitorId, events: [...firstEvents(), textEdit(7, r.text, T0 + 5)] }),
      );
      expect(res.statusCode, res.body).toBe(200);
    }
    // the purge takes only what is old: a session that stays, received later
    clock += 20 * DAY;
    expect(
      (
        await send(
          t.collector,
          batch({
            siteKey: t.key,
            sessionId: 'sess-that-stays',
            visitorId: 'visitor-stays',
            events: [...firstEvents(), textEdit(7, 'Pagetext that stays 60524', T0 + 5)],
          }),
        )
      ).statusCode,
    ).toBe(200);
    for (const r of recorded.slice(0, 2)) {
      // before deletion, the raw bytes do hold them (the test can see what it looks for)
      expect(rawBytes(t.database).includes(Buffer.from(r.sessionId))).toBe(true);
      expect(inflatedTexts(rawBytes(t.database)).some((text) => text.includes(r.text))).toBe(true);
    }

    const storage = t.collector.storage;
    expect(await storage.deleteSession(t.siteId, recorded[0].sessionId)).toBe(1);
    expect(await storage.deleteVisitor(t.siteId, recorded[1].visitorId)).toBe(1);
    clock += 15 * DAY; // the third is now 35 days old, the last one 15
    expect(await t.collector.purge()).toBe(1);

    const raw = rawBytes(t.database);
    const texts = inflatedTexts(raw);
    for (const r of recorded) {
      expect(raw.includes(Buffer.from(r.sessionId)), r.sessionId).toBe(false);
      expect(raw.includes(Buffer.from(r.visitorId)), r.visitorId).toBe(false);
      expect(
        texts.some((text) => text.includes(r.text)),
        r.text,
      ).toBe(false);
    }
    // what was not deleted is still there and readable
    expect(raw.includes(Buffer.from('sess-that-stays'))).toBe(true);
    expect(texts.some((text) => text.includes('Pagetext that stays 60524'))).toBe(true);
  });
});
