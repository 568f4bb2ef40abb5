// The orphan sweep (`veil-collector blobs sweep`) against the s3rver the global
// setup starts: objects no batch row points to go once they are older than
// the grace period; referenced, young and foreign objects stay; --dry-run
// only counts; the listing is followed page after page; a failing store
// makes the command exit non-zero, saying so.
import { afterEach, describe, expect, it } from 'vitest';
import { main, type CliIo } from '../src/commands';
import { batchObjectKey, parseBatchObjectKey, type BlobStore } from '../src/storage/blob-store';
import { BlobSweepError, sweepOrphanBlobs } from '../src/storage/blob-sweep';
import { createS3BlobStore } from '../src/storage/s3';
import { batch, bucketKeys, laterEvents, needsPostgres, send, startTestCollector, TEST_BUCKET, type TestCollector } from './helpers';

const HOUR = 60 * 60 * 1000;
/** A clock a day and an hour ahead: every object written by the test is past the default grace period. */
const tomorrow = () => Date.now() + 25 * HOUR;

let t: TestCollector | undefined;
const stores: BlobStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) store.close();
  await t?.close();
  t = undefined;
});

async function cli(args: string[], now?: () => number) {
  const out: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => out.push(l), readStdin: async () => '', now };
  const code = await main(args, io);
  return { code, out: out.join('\n') };
}

/** The test collector's store, for writing objects behind its back. */
function storeOf(collector: TestCollector): BlobStore {
  const store = createS3BlobStore({ url: collector.storeOptions.blobStore as string, endpoint: collector.storeOptions.blobStoreEndpoint });
  stores.push(store);
  return store;
}

const sweepFlags = (collector: TestCollector) => [
  'blobs',
  'sweep',
  '--database',
  collector.database,
  '--blob-store',
  collector.storeOptions.blobStore as string,
  '--blob-store-endpoint',
  collector.storeOptions.blobStoreEndpoint!,
];

/** Keys relative to the test collector's prefix. */
const keysOf = async (collector: TestCollector) =>
  (await bucketKeys(collector.blobPrefix!)).map((k) => k.slice(collector.blobPrefix!.length));

const sorted = (keys: string[]) => [...keys].sort();

for (const backend of ['postgres+s3', 'sqlite+s3'] as const) {
  describe.skipIf(needsPostgres(backend))(`blobs sweep with ${backend}`, () => {
    it('deletes old orphans only, after a dry run that deletes nothing, and records it in the audit log', async () => {
      t = await startTestCollector(backend);
      // referenced: two batches of a session whose id has characters the key spells ~XX
      for (const seq of [0, 1]) {
        const res = await send(
          t.collector,
          batch({ siteKey: t.key, sessionId: 'shop/1~a', seq, ...(seq ? { events: laterEvents() } : {}) }),
        );
        expect(res.statusCode).toBe(200);
      }
      const referenced = await keysOf(t);
      expect(referenced).toHaveLength(2);
      const store = storeOf(t);
      const orphans = [
        batchObjectKey(t.siteId, 'crashed before its row', 0), // a crash between the object and its row
        batchObjectKey(t.siteId, 'shop/1~a', 0), // a raced duplicate whose clean-up failed: the row holds the other key
      ];
      const foreign = [
        'README.txt',
        `sites/${t.siteId}/sessions/x/backup.tar`,
        `sites/${t.siteId}/sessions/~41bc/0-0123456789ab.json.gz`, // not how the collector spells session "Abc"
        `sites/${t.siteId}/sessions/abc/0-0123456789AB.json.gz`,
      ];
      for (const key of [...orphans, ...foreign]) await store.put(key, Buffer.from('x'));
      const everything = sorted([...referenced, ...orphans, ...foreign]);
      expect(await keysOf(t)).toEqual(everything);

      // now: every object is young, so nothing goes
      const young = await cli(sweepFlags(t));
      expect(young).toEqual({
        code: 0,
        out: [
          `Swept ${t.storeOptions.blobStore}:`,
          '  8 objects listed',
          '  2 objects a batch points to: kept',
          '  0 orphans older than 24 hours deleted',
          '  2 orphans younger than 24 hours: kept (a batch may still be writing its row)',
          '  4 objects the collector does not write (other files): kept',
        ].join('\n'),
      });
      expect(await keysOf(t)).toEqual(everything);

      const dry = await cli([...sweepFlags(t), '--dry-run'], tomorrow);
      expect(dry.code).toBe(0);
      expect(dry.out).toContain('  2 orphans older than 24 hours would be deleted (--dry-run: nothing was deleted)');
      expect(dry.out).toContain('  0 orphans younger than 24 hours: kept');
      expect(await keysOf(t)).toEqual(everything);
      expect(await t.collector.storage.listAudit(t.siteId, { limit: 10 })).toEqual([]);

      // a longer grace period keeps them still
      expect((await cli([...sweepFlags(t), '--older-than', '48'], tomorrow)).out).toContain('  2 orphans younger than 48 hours: kept');
      expect(await keysOf(t)).toEqual(everything);

      const swept = await cli(sweepFlags(t), tomorrow);
      expect(swept.code).toBe(0);
      expect(swept.out).toContain('  2 orphans older than 24 hours deleted');
      expect(await keysOf(t)).toEqual(sorted([...referenced, ...foreign]));
      // the session still replays from its objects
      expect(await t.collector.storage.getBatches(t.siteId, 'shop/1~a')).toHaveLength(2);
      const audit = await t.collector.storage.listAudit(t.siteId, { limit: 10 });
      expect(audit.map((e) => [e.action, e.userId, e.detail])).toEqual([
        ['blobs.sweep', null, `2 objects no batch pointed to, in ${t.storeOptions.blobStore}, from the command line`],
      ]);

      // nothing left to do: no second audit line
      expect((await cli(sweepFlags(t), tomorrow)).out).toContain('  0 orphans older than 24 hours deleted');
      expect(await t.collector.storage.listAudit(t.siteId, { limit: 10 })).toHaveLength(1);
    });

    it('follows the listing page after page, looking each page up in the database', async () => {
      t = await startTestCollector(backend);
      for (const sessionId of ['kept-1', 'kept-2', 'kept-3']) {
        expect((await send(t.collector, batch({ siteKey: t.key, sessionId }))).statusCode).toBe(200);
      }
      const referenced = await keysOf(t);
      const store = storeOf(t);
      for (let seq = 0; seq < 6; seq++) await store.put(batchObjectKey(t.siteId, `orphan-${seq}`, seq), Buffer.from('x'));
      await store.put('zz-not-ours.txt', Buffer.from('x'));

      const report = await sweepOrphanBlobs(t.collector.storage, store, { olderThanMs: 24 * HOUR, now: tomorrow, pageSize: 2 });
      expect(report).toMatchObject({ listed: 10, referenced: 3, orphans: 6, deleted: 6, young: 0, foreign: 1 });
      expect(report.pages).toBeGreaterThanOrEqual(5);
      expect(report.deletedBySite).toEqual(new Map([[t.siteId, 6]]));
      expect(await keysOf(t)).toEqual(sorted([...referenced, 'zz-not-ours.txt']));
    });

    it('stops with what it did so far when the store fails mid-sweep', async () => {
      t = await startTestCollector(backend);
      const real = storeOf(t);
      await real.put(batchObjectKey(t.siteId, 'orphan', 0), Buffer.from('x'));
      const refusing: BlobStore = { ...real, delete: () => Promise.reject(new Error('AccessDenied: no s3:DeleteObject')) };
      const sweep = sweepOrphanBlobs(t.collector.storage, refusing, { olderThanMs: HOUR, now: tomorrow });
      await expect(sweep).rejects.toThrow(BlobSweepError);
      await expect(sweep).rejects.toThrow(/sweep of s3:\/\/.* stopped while deleting orphans: AccessDenied: no s3:DeleteObject/);
      await expect(sweep).rejects.toMatchObject({ report: { listed: 1, orphans: 1, deleted: 0 } });
      expect(await keysOf(t)).toHaveLength(1);
    });
  });
}

describe('blobs sweep on the command line', () => {
  it('exits 1 with the reason, and deletes nothing, when the store cannot be reached', async () => {
    t = await startTestCollector('sqlite+s3');
    const res = await cli(
      [
        'blobs',
        'sweep',
        '--database',
        t.database,
        '--blob-store',
        's3://no-such-bucket/x',
        '--blob-store-endpoint',
        t.storeOptions.blobStoreEndpoint!,
      ],
      tomorrow,
    );
    expect(res.code).toBe(1);
    expect(res.out).toMatch(
      /^veil-collector: \[veil\] The object store s3:\/\/no-such-bucket\/x\/ cannot be reached .* Nothing was deleted\.$/,
    );
  });

  it('refuses to run without the database it sweeps against, or with too short a grace period', async () => {
    const store = ['--blob-store', `s3://${TEST_BUCKET}/x`, '--blob-store-endpoint', 'http://127.0.0.1:1'];
    const saved = process.env.VEIL_DATABASE_URL;
    delete process.env.VEIL_DATABASE_URL;
    try {
      const none = await cli(['blobs', 'sweep', ...store]);
      expect(none).toEqual({ code: 2, out: expect.stringMatching(/blobs sweep needs --database \(or VEIL_DATABASE_URL\)/) });
    } finally {
      if (saved !== undefined) process.env.VEIL_DATABASE_URL = saved;
    }
    const missing = await cli(['blobs', 'sweep', '--database', '/nonexistent/veil.db', ...store]);
    expect(missing).toEqual({ code: 2, out: expect.stringMatching(/--database: there is no SQLite database at "\/nonexistent\/veil.db"/) });
    t = await startTestCollector('sqlite');
    const short = await cli(['blobs', 'sweep', '--database', t.database, ...store, '--older-than', '0.5']);
    expect(short).toEqual({ code: 2, out: expect.stringMatching(/--older-than must be a number of hours, at least 1 .*"0.5"/) });
    const noStore = await cli(['blobs', 'sweep', '--database', t.database]);
    expect(noStore).toEqual({ code: 2, out: expect.stringMatching(/blobs sweep needs --blob-store s3:\/\/<bucket>\/<prefix>/) });
  });
});

describe('parseBatchObjectKey', () => {
  it('reads back every key batchObjectKey makes, and nothing else', () => {
    for (const sessionId of ['s-1_A', 'a/b c', '~41', '..', '%2F"\'<>', '\x21\x7e']) {
      expect(parseBatchObjectKey(batchObjectKey(7, sessionId, 2147483647))).toEqual({ siteId: 7, sessionId, seq: 2147483647 });
    }
    for (const key of [
      'sites/7/sessions/s/1-0123456789ab.json',
      'sites/07/sessions/s/1-0123456789ab.json.gz',
      'sites/7/sessions/s/01-0123456789ab.json.gz',
      'sites/7/sessions/s/2147483648-0123456789ab.json.gz',
      'sites/7/sessions/~2f/1-0123456789ab.json.gz'.replace('~2f', '~2F'),
      'sites/7/sessions/~61/1-0123456789ab.json.gz',
      'prefix/sites/7/sessions/s/1-0123456789ab.json.gz',
    ]) {
      expect(parseBatchObjectKey(key)).toBeNull();
    }
  });
});
