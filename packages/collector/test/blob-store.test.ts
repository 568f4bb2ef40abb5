// Recordings in an S3-compatible bucket (--blob-store), against the s3rver the
// global setup starts on 127.0.0.1: the blob goes to the bucket and only its
// key to the database; the viewer reads it back; every way of deleting removes
// the objects (the bucket is listed to prove it); failed and raced writes leave
// none behind; and a collector without the store refuses rather than orphans.
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { main, type CliIo } from '../src/commands';
import { createCollector } from '../src/server';
import { createS3BlobStore, s3Driver } from '../src/storage/s3';
import { decodeBlob } from '../src/recordings/blob';
import {
  addTestUser,
  batch,
  bucketKeys,
  firstEvents,
  laterEvents,
  needsPostgres,
  PLAIN,
  send,
  startTestCollector,
  T0,
  TEST_BUCKET,
  type Backend,
  type TestCollector,
} from './helpers';
import { Jar, client } from './viewer-client';

const PASSWORD = 'correct horse battery staple';
const DAY = 24 * 60 * 60 * 1000;

let t: TestCollector | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});
const c = client(() => t!.collector);

/** The batches table's rows as the database holds them: blob size and key. */
async function batchRows(backend: Backend, database: string): Promise<{ session_id: string; bytes: number; blob_key: string | null }[]> {
  const sql = 'SELECT session_id, length(blob) AS bytes, blob_key FROM batches ORDER BY session_id, seq';
  if (backend.startsWith('sqlite')) {
    const db = new Database(database, { readonly: true });
    try {
      return db.prepare(sql).all() as { session_id: string; bytes: number; blob_key: string | null }[];
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: database });
  await client.connect();
  try {
    return (await client.query(sql)).rows.map((r) => ({ ...r, bytes: Number(r.bytes) }));
  } finally {
    await client.end();
  }
}

async function cli(args: string[]) {
  const out: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => out.push(l), readStdin: async () => '' };
  const code = await main(args, io);
  return { code, out: out.join('\n') };
}

for (const backend of ['postgres+s3', 'sqlite+s3'] as const) {
  describe.skipIf(needsPostgres(backend))(`recordings in the object store with ${backend}`, () => {
    it('puts an ingested batch in the bucket, not in its database row, and the player’s events.json serves it', async () => {
      t = await startTestCollector(backend);
      expect((await send(t.collector, batch({ siteKey: t.key, sessionId: 'session-1' }))).statusCode).toBe(200);
      const keys = await bucketKeys(t.blobPrefix!);
      expect(keys).toEqual([
        expect.stringMatching(new RegExp(`^${t.blobPrefix}sites/${t.siteId}/sessions/session-1/0-[0-9a-f]+\\.json\\.gz$`)),
      ]);
      const rows = await batchRows(backend, t.database);
      expect(rows).toEqual([{ session_id: 'session-1', bytes: 0, blob_key: keys[0].slice(t.blobPrefix!.length) }]);
      // the session still counts the bytes it takes, wherever they are
      expect((await t.collector.storage.getSession(t.siteId, 'session-1'))?.bytes).toBeGreaterThan(100);

      await addTestUser(t.collector, 'alice@example.com', PASSWORD, ['shop']);
      const { jar } = await c.login('alice@example.com', PASSWORD);
      const res = await c.get(jar, '/sites/shop/sessions/session-1/events.json');
      expect(res.statusCode).toBe(200);
      expect(res.json().events).toHaveLength(firstEvents().length);
      expect(res.body).toContain(PLAIN.heading);
    });

    it('deletes the objects with the session: the viewer’s Delete, the command line, and both retention purges', async () => {
      let clock = T0 + 1000;
      t = await startTestCollector(backend, { collector: { now: () => clock } });
      const sessions = [
        { sessionId: 'viewer-deletes', visitorId: 'v1' },
        { sessionId: 'visitor-a', visitorId: 'v2' },
        { sessionId: 'visitor-b', visitorId: 'v2' },
        { sessionId: 'site-retention', visitorId: 'v3' },
        { sessionId: 'global-retention', visitorId: 'v4' },
        { sessionId: 'stays', visitorId: 'v5' },
      ];
      for (const [i, s] of sessions.entries()) {
        clock = T0 + 1000 + i * DAY; // received a day apart: the purges can take the oldest ones
        expect((await send(t.collector, batch({ siteKey: t.key, ...s }))).statusCode).toBe(200);
        expect((await send(t.collector, batch({ siteKey: t.key, ...s, seq: 1, events: laterEvents() }))).statusCode).toBe(200);
      }
      const objectsOf = async () => {
        const sessionOf = (key: string) => /\/sessions\/([^/]+)\//.exec(key)![1];
        return [...new Set((await bucketKeys(t!.blobPrefix!)).map(sessionOf))].sort();
      };
      expect(await bucketKeys(t.blobPrefix!)).toHaveLength(12);

      await addTestUser(t.collector, 'alice@example.com', PASSWORD, ['shop']);
      const { jar } = await c.login('alice@example.com', PASSWORD, new Jar());
      const deleted = await c.submit(jar, '/sites/shop/sessions/viewer-deletes', '/sites/shop/sessions/viewer-deletes/delete', {});
      expect(deleted.statusCode).toBe(303);
      expect(await objectsOf()).toEqual(['global-retention', 'site-retention', 'stays', 'visitor-a', 'visitor-b']);

      const flags = ['--database', t.database, '--blob-store', t.storeOptions.blobStore as string];
      flags.push('--blob-store-endpoint', t.storeOptions.blobStoreEndpoint!);
      expect(await cli(['delete', '--site', 'shop', '--visitor', 'v2', ...flags])).toEqual({
        code: 0,
        out: 'Deleted 2 sessions of site shop.',
      });
      expect(await objectsOf()).toEqual(['global-retention', 'site-retention', 'stays']);

      // the site's own retention (2 days) takes what was received before day 4; the collector's (30) nothing yet
      clock = T0 + 1000 + 5 * DAY + 1;
      const site = (await t.collector.storage.getSiteByName('shop'))!;
      await t.collector.storage.setSiteSettings(site.id, { ...site, retentionDays: 2 });
      expect(await t.collector.purge()).toBe(1);
      expect(await objectsOf()).toEqual(['global-retention', 'stays']);

      await t.collector.storage.setSiteSettings(site.id, { ...site, retentionDays: null });
      clock = T0 + 1000 + 34 * DAY + 1; // day 4's session is past the 30 days, day 5's not
      expect(await t.collector.purge()).toBe(1);
      expect(await objectsOf()).toEqual(['stays']);
      expect((await t.collector.storage.listSessions(t.siteId)).map((s) => s.sessionId)).toEqual(['stays']);
    });

    it('leaves no object behind for a batch that lost a race, and keeps the one acknowledged', async () => {
      t = await startTestCollector(backend);
      expect((await send(t.collector, batch({ siteKey: t.key, sessionId: 'raced' }))).statusCode).toBe(200);
      const [stored] = await t.collector.storage.getBatches(t.siteId, 'raced');
      // a second instance that checked hasBatch before the first one's row was there
      const loser = { ...stored, siteId: t.siteId, sessionId: 'raced', seq: 0, visitorId: null, receivedAt: T0 };
      await expect(
        t.collector.storage.writeBatch({
          ...loser,
          blob: Buffer.from('not the acknowledged batch'),
          eventCount: 1,
          firstTimestamp: T0,
          lastTimestamp: T0,
          pages: 0,
          droppedEvents: 0,
        }),
      ).rejects.toThrow();
      expect(await bucketKeys(t.blobPrefix!)).toHaveLength(1);
      const [after] = await t.collector.storage.getBatches(t.siteId, 'raced');
      expect(await decodeBlob(after.blob)).toEqual(await decodeBlob(stored.blob));
    });

    it('refuses, without the store, to read or delete recordings kept in it, and orphans nothing', async () => {
      t = await startTestCollector(backend);
      expect((await send(t.collector, batch({ siteKey: t.key, sessionId: 'kept' }))).statusCode).toBe(200);
      await t.restart({ blobStore: undefined, blobStoreEndpoint: undefined });
      await expect(t.collector.storage.getBatches(t.siteId, 'kept')).rejects.toThrow(/--blob-store s3:\/\/bucket\/prefix/);
      await expect(t.collector.storage.deleteSession(t.siteId, 'kept')).rejects.toThrow(/--blob-store/);
      expect(await t.collector.storage.getSession(t.siteId, 'kept')).not.toBeNull();
      expect(await bucketKeys(t.blobPrefix!)).toHaveLength(1);
    });

    it('stores no row when the object cannot be written, and answers so the recorder retries', async () => {
      t = await startTestCollector(backend);
      const real = createS3BlobStore({ url: t.storeOptions.blobStore as string, endpoint: t.storeOptions.blobStoreEndpoint });
      let failing = true;
      const flaky = {
        ...real,
        put: async (key: string, body: Buffer) => (failing ? Promise.reject(new Error('the bucket is down')) : real.put(key, body)),
      };
      await t.restart({ blobStore: flaky, blobStoreEndpoint: undefined });
      const res = await send(t.collector, batch({ siteKey: t.key, sessionId: 'retried' }));
      expect(res.statusCode).toBe(503);
      expect(await t.collector.storage.getSession(t.siteId, 'retried')).toBeNull();
      failing = false;
      expect((await send(t.collector, batch({ siteKey: t.key, sessionId: 'retried' }))).statusCode).toBe(200);
      expect(await bucketKeys(t.blobPrefix!)).toHaveLength(1);
    });
  });
}

describe('setting the object store up', () => {
  it('fails at start, saying what to check, when the bucket cannot be reached', async () => {
    await expect(
      createCollector({ database: ':memory:', listen: false, blobStore: 's3://no-such-bucket/x', blobStoreEndpoint: inject('s3Endpoint') }),
    ).rejects.toThrow(/s3:\/\/no-such-bucket\/x\/ cannot be reached .*AWS_REGION.*--blob-store-endpoint/);
  });

  it('says how to install the SDK when it is missing', () => {
    const missing = () => {
      throw Object.assign(new Error("Cannot find module '@aws-sdk/client-s3'"), { code: 'MODULE_NOT_FOUND' });
    };
    expect(() => s3Driver(missing)).toThrow(/npm install @aws-sdk\/client-s3/);
  });

  it('refuses malformed options on the command line, naming the flag and the form it takes', async () => {
    const bad = await cli(['delete', '--site', 'shop', '--session', 'x', '--database', ':memory:', '--blob-store', 'https://bucket']);
    expect(bad.code).not.toBe(0);
    expect(bad.out).toMatch(/--blob-store must be s3:\/\/<bucket> or s3:\/\/<bucket>\/<prefix>.*"https:\/\/bucket"/);
    const lone = await cli(['serve', '--database', ':memory:', '--blob-store-endpoint', 'http://127.0.0.1:9000']);
    expect(lone.code).not.toBe(0);
    expect(lone.out).toMatch(/--blob-store-endpoint needs --blob-store/);
    const endpoint = await cli([
      'delete',
      '--site',
      's',
      '--session',
      'x',
      '--blob-store',
      `s3://${TEST_BUCKET}`,
      '--blob-store-endpoint',
      'minio:9000',
    ]);
    expect(endpoint.out).toMatch(/--blob-store-endpoint must be an http:\/\/ or https:\/\/ address/);
  });
});
