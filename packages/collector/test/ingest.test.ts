// The ingest contract of docs/protocol.md, run against both storage back ends.
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createScrubber, EventType } from '@veil/core/engine';
import { addUser, removeUser } from '../src/auth/users';
import { rotateSiteKey } from '../src/settings/sites';
import {
  RECORDING_BACKENDS,
  bucketKeys,
  needsPostgres,
  OTHER_ORIGIN,
  ORIGIN,
  PLAIN,
  SECRETS,
  SITE_SETTINGS,
  batch,
  firstEvents,
  gz,
  inputEvent,
  laterEvents,
  paragraphPage,
  send,
  startTestCollector,
  storedEvents,
  textEdit,
  type Backend,
  type TestCollector,
} from './helpers';

/** The JSON of an object `levels` deep, {"a":{"a":…}}: written out, as stringifying it would overflow the stack. */
const nestedJson = (levels: number) => '{"a":'.repeat(levels - 1) + '{}' + '}'.repeat(levels - 1);

for (const backend of RECORDING_BACKENDS) {
  const skip = needsPostgres(backend);
  describe.skipIf(skip)(`ingest with ${backend}`, () => {
    let t: TestCollector | undefined;
    const start = async (options?: Parameters<typeof startTestCollector>[1]) => (t = await startTestCollector(backend as Backend, options));
    afterEach(async () => {
      await t?.close();
      t = undefined;
    });
    const sessions = () => t!.collector.storage.listSessions(t!.siteId);

    describe('accepts', () => {
      it('a gzip batch, stores it and answers 200 with CORS for the site origin', async () => {
        await start();
        const res = await send(t!.collector, batch({ siteKey: t!.key }));
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json()).toEqual({ ok: true, settings: SITE_SETTINGS });
        expect(res.headers['access-control-allow-origin']).toBe(ORIGIN);
        expect(res.headers['access-control-expose-headers']).toBe('Retry-After');
        const [session] = await sessions();
        expect(session).toMatchObject({ sessionId: 'session-1', batches: 1, events: 4, pages: 1, maxSeq: 0, missingBatches: 0 });
        const [stored] = await t!.collector.storage.getBatches(t!.siteId, 'session-1');
        expect(stored.hasFullSnapshot).toBe(true);
        expect(stored.blob[0]).toBe(0x1f);
      });

      it('a plain JSON batch (a beacon on pagehide)', async () => {
        await start();
        const res = await send(t!.collector, batch({ siteKey: t!.key }), { plain: true });
        expect(res.statusCode, res.body).toBe(200);
        expect((await sessions()).length).toBe(1);
      });

      it('a request without an Origin header (a server, curl), with no CORS headers', async () => {
        await start();
        const res = await send(t!.collector, batch({ siteKey: t!.key }), { origin: null, contentType: null });
        expect(res.statusCode, res.body).toBe(200);
        expect(res.headers['access-control-allow-origin']).toBeUndefined();
      });

      it('and stores visitorId on the session', async () => {
        await start();
        await send(t!.collector, batch({ siteKey: t!.key, visitorId: 'visitor-42' }));
        expect((await sessions())[0].visitorId).toBe('visitor-42');
      });
    });

    describe('refuses with a specific 4xx, stores nothing and keeps serving', () => {
      const cases: [
        string,
        (key: string) => Parameters<typeof send>[1] | { raw: Buffer | string },
        Record<string, unknown>,
        number,
        RegExp,
      ][] = [
        ['a body that is neither gzip nor JSON', () => ({}), { raw: 'hello world' }, 415, /neither gzip/],
        ['a corrupt gzip body', () => ({}), { raw: Buffer.from([0x1f, 0x8b, 1, 2, 3, 4, 5]) }, 400, /does not decompress/],
        ['malformed JSON', () => ({}), { raw: '{"v":1,"sessionId":' }, 400, /not valid JSON/],
        ['an empty body', () => ({}), { raw: '' }, 400, /empty/],
        ['a wrong key', () => batch({ siteKey: 'vk_wrong' }), {}, 401, /unknown siteKey/],
        ['a missing key', () => batch(), {}, 401, /siteKey is missing/],
        ['a string seq', (key) => batch({ siteKey: key, seq: '0' }), {}, 400, /seq/],
        ['a negative seq', (key) => batch({ siteKey: key, seq: -1 }), {}, 400, /seq/],
        ['events that are not an array', (key) => batch({ siteKey: key, events: {} }), {}, 400, /events/],
        [
          'an event without a timestamp',
          (key) => batch({ siteKey: key, events: [{ type: EventType.Meta, data: {} }] }),
          {},
          400,
          /timestamp/,
        ],
        ['a numeric sessionId', (key) => batch({ siteKey: key, sessionId: 5 }), {}, 400, /sessionId/],
        ['a visitorId over 128 characters', (key) => batch({ siteKey: key, visitorId: 'v'.repeat(129) }), {}, 400, /visitorId/],
        ['an unknown protocol version', (key) => batch({ siteKey: key, v: 2 }), {}, 400, /protocol version 2/],
        ['a JSON array', () => [], {}, 415, /neither gzip/],
        // what storage or the viewer could not take: refused at the door, not retried forever
        [
          'a timestamp past what a date can hold',
          (key) => batch({ siteKey: key, events: [{ type: EventType.Meta, timestamp: 1e20, data: {} }] }),
          {},
          400,
          /timestamp/,
        ],
        [
          'a fractional timestamp',
          (key) => batch({ siteKey: key, events: [{ type: EventType.Meta, timestamp: 1764383003000.5, data: {} }] }),
          {},
          400,
          /timestamp/,
        ],
        [
          'a negative timestamp',
          (key) => batch({ siteKey: key, events: [{ type: EventType.Meta, timestamp: -1, data: {} }] }),
          {},
          400,
          /timestamp/,
        ],
        ['a NUL in visitorId', (key) => batch({ siteKey: key, visitorId: 'visitor\u0000one' }), {}, 400, /visitorId/],
        ['a dropped count past 2^53', (key) => batch({ siteKey: key, dropped: { batches: 1e19, events: 1 } }), {}, 400, /dropped/],
      ];
      it('event data nested 5,000 levels deep (a stack overflow for whatever walks it): 400', async () => {
        await start();
        const raw = JSON.stringify(
          batch({ siteKey: t!.key, events: [{ type: EventType.Custom, timestamp: 1764383003000, data: 'DEEP' }] }),
        ).replace('"DEEP"', nestedJson(5000));
        const res = await send(t!.collector, null, { plain: true, raw });
        expect(res.statusCode, res.body).toBe(400);
        expect(res.json().error).toMatch(/nests deeper than 2000 levels/);
        expect(await sessions()).toEqual([]);
        // what a real page nests is far from the limit
        const deepPage = JSON.stringify(
          batch({ siteKey: t!.key, events: [{ type: EventType.Custom, timestamp: 1764383003000, data: 'DEEP' }] }),
        ).replace('"DEEP"', nestedJson(900));
        expect((await send(t!.collector, null, { plain: true, raw: deepPage })).statusCode).toBe(200);
      });

      for (const [what, body, extra, status, message] of cases) {
        it(`${what}: ${status}`, async () => {
          await start();
          const res = await send(t!.collector, body(t!.key), {
            plain: true,
            ...(extra.raw !== undefined ? { key: t!.key } : {}),
            ...extra,
          });
          expect(res.statusCode, res.body).toBe(status);
          expect(res.json().error).toMatch(message);
          expect(await sessions()).toEqual([]);
          const ok = await send(t!.collector, batch({ siteKey: t!.key }));
          expect(ok.statusCode).toBe(200);
        });
      }

      it('a body over 5 MiB compressed: 413', async () => {
        await start();
        const raw = Buffer.alloc(5 * 1024 * 1024 + 1, 0x20);
        raw[0] = 0x7b;
        const res = await send(t!.collector, null, { raw, key: t!.key });
        expect(res.statusCode).toBe(413);
        expect(res.json().error).toMatch(/larger than 5242880 bytes/);
        expect(await sessions()).toEqual([]);
      });

      it('a gzip bomb (51 MiB of JSON in a small body): 413, stopped by the ratio long before the size cap', async () => {
        await start();
        const bomb = gzipSync(Buffer.concat([Buffer.from('{"pad":"'), Buffer.alloc(51 * 1024 * 1024, 0x61), Buffer.from('"}')]));
        expect(bomb.length).toBeLessThan(5 * 1024 * 1024);
        const res = await send(t!.collector, null, { raw: bomb, key: t!.key });
        expect(res.statusCode).toBe(413);
        expect(res.json().error).toMatch(/decompresses to more than/);
        expect(await sessions()).toEqual([]);
      });

      it("an origin that is not one of the key's site origins: 403, no CORS headers", async () => {
        await start();
        const res = await send(t!.collector, batch({ siteKey: t!.key }), { origin: OTHER_ORIGIN });
        expect(res.statusCode).toBe(403);
        expect(res.json().error).toMatch(/origin https:\/\/evil.example is not allowed/);
        expect(res.headers['access-control-allow-origin']).toBeUndefined();
        expect(await sessions()).toEqual([]);
      });

      it('a refusal is readable by a page on a configured origin (so the client drops the batch instead of retrying)', async () => {
        await start();
        const res = await send(t!.collector, batch({ siteKey: 'vk_wrong' }));
        expect(res.statusCode).toBe(401);
        expect(res.headers['access-control-allow-origin']).toBe(ORIGIN);
      });
    });

    describe('CORS preflight', () => {
      it('is answered for a configured origin', async () => {
        await start();
        const res = await t!.collector.app.inject({
          method: 'OPTIONS',
          url: '/v1/ingest',
          headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-tenant' },
        });
        expect(res.statusCode).toBe(204);
        expect(res.headers['access-control-allow-origin']).toBe(ORIGIN);
        expect(res.headers['access-control-allow-methods']).toBe('POST');
        expect(res.headers['access-control-allow-headers']).toBe('x-tenant');
      });

      it('is refused for any other origin', async () => {
        await start();
        const res = await t!.collector.app.inject({
          method: 'OPTIONS',
          url: '/v1/ingest',
          headers: { origin: OTHER_ORIGIN, 'access-control-request-method': 'POST' },
        });
        expect(res.statusCode).toBe(403);
        expect(res.headers['access-control-allow-origin']).toBeUndefined();
      });
    });

    describe('sequence numbers', () => {
      it('stores a repeated (site, session, seq) once and answers 200 to every copy', async () => {
        await start();
        const body = batch({ siteKey: t!.key });
        const first = await send(t!.collector, body);
        const second = await send(t!.collector, body);
        const beacon = await send(t!.collector, body, { plain: true });
        expect([first.statusCode, second.statusCode, beacon.statusCode]).toEqual([200, 200, 200]);
        expect(second.json()).toEqual({ ok: true, duplicate: true, settings: SITE_SETTINGS });
        expect((await t!.collector.storage.getBatches(t!.siteId, 'session-1')).length).toBe(1);
        expect((await sessions())[0]).toMatchObject({ batches: 1, events: 4 });
      });

      it('answers concurrent copies of one batch (a beacon racing a fetch) with one stored batch', async () => {
        await start();
        const body = batch({ siteKey: t!.key });
        const answers = await Promise.all([send(t!.collector, body), send(t!.collector, body), send(t!.collector, body, { plain: true })]);
        expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200]);
        expect((await t!.collector.storage.getBatches(t!.siteId, 'session-1')).length).toBe(1);
      });

      it('refuses a copy that got past the duplicate check (another instance racing) with a 503, and answers its retry as a duplicate', async () => {
        await start();
        const storage = t!.collector.storage;
        const body = batch({ siteKey: t!.key });
        expect((await send(t!.collector, body)).statusCode).toBe(200);
        // As if another instance had written the batch between this one's check and its write.
        const realHasBatch = storage.hasBatch.bind(storage);
        (storage as any).hasBatch = async () => false;
        const raced = await send(t!.collector, body);
        expect(raced.statusCode).toBe(503);
        expect(raced.headers['retry-after']).toBe('5');
        (storage as any).hasBatch = realHasBatch;
        expect((await send(t!.collector, body)).json()).toEqual({ ok: true, duplicate: true, settings: SITE_SETTINGS });
        expect((await storage.getBatches(t!.siteId, 'session-1')).length).toBe(1);
        expect((await sessions())[0]).toMatchObject({ batches: 1, events: 4 });
      });

      it("records a gap (expected vs received) and the client's dropped counts", async () => {
        await start();
        await send(t!.collector, batch({ siteKey: t!.key }));
        const res = await send(
          t!.collector,
          batch({ siteKey: t!.key, seq: 3, events: laterEvents(), dropped: { batches: 2, events: 180 } }),
        );
        expect(res.json()).toEqual({ ok: true, gap: { expected: 1, received: 3 }, settings: SITE_SETTINGS });
        expect(await t!.collector.storage.getGaps(t!.siteId, 'session-1')).toEqual([
          expect.objectContaining({ expectedSeq: 1, receivedSeq: 3 }),
        ]);
        expect((await sessions())[0]).toMatchObject({ maxSeq: 3, batches: 2, missingBatches: 2, droppedBatches: 2, droppedEvents: 180 });
        // a late batch fills part of the hole
        await send(t!.collector, batch({ siteKey: t!.key, seq: 1, events: laterEvents(T_LATE) }));
        expect((await sessions())[0]).toMatchObject({ maxSeq: 3, batches: 3, missingBatches: 1 });
      });

      it('records a session whose first batch to arrive is not seq 0 as a gap from 0', async () => {
        await start();
        await send(t!.collector, batch({ siteKey: t!.key, seq: 2 }));
        expect(await t!.collector.storage.getGaps(t!.siteId, 'session-1')).toEqual([
          expect.objectContaining({ expectedSeq: 0, receivedSeq: 2 }),
        ]);
      });
    });

    describe('rate limits', () => {
      it('per IP: 429 with Retry-After once the bucket is empty; another IP is unaffected', async () => {
        await start({ collector: { rateLimits: { ip: { perSecond: 0.01, burst: 2 } } } });
        const codes = [];
        for (let seq = 0; seq < 3; seq++)
          codes.push((await send(t!.collector, batch({ siteKey: t!.key, seq }), { ip: '10.0.0.1' })).statusCode);
        expect(codes).toEqual([200, 200, 429]);
        const limited = await send(t!.collector, batch({ siteKey: t!.key, seq: 2 }), { ip: '10.0.0.1' });
        expect(limited.statusCode).toBe(429);
        expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        expect(limited.headers['access-control-allow-origin']).toBe(ORIGIN);
        expect(limited.json().error).toMatch(/too many requests/);
        expect((await send(t!.collector, batch({ siteKey: t!.key, seq: 2 }), { ip: '10.0.0.2' })).statusCode).toBe(200);
      });

      it("per IP in inflated bytes: 429 before the body is read once an address's budget is spent; another IP is unaffected", async () => {
        const small = (seq: number) => batch({ siteKey: t!.key, sessionId: 'bytes', seq });
        // with a key of an ingest key's length (the budget leaves half a batch to spare anyway)
        const size = Buffer.byteLength(JSON.stringify(batch({ siteKey: 'vk_'.padEnd(35, 'x'), sessionId: 'bytes', seq: 0 })));
        await start({ collector: { rateLimits: { ipBytes: { perSecond: 1, burst: Math.round(size * 1.5) } } } });
        const codes = [];
        // the second batch finds half a batch left: it is let in and spends all of its bytes
        for (let seq = 0; seq < 3; seq++) codes.push((await send(t!.collector, small(seq), { ip: '10.0.2.1' })).statusCode);
        expect(codes).toEqual([200, 200, 429]);
        // refused at the door: a body that is not even gzip is not read
        const limited = await send(t!.collector, null, { ip: '10.0.2.1', key: t!.key, raw: Buffer.from('not gzip, not JSON') });
        expect(limited.statusCode).toBe(429);
        expect(limited.json().error).toMatch(/too many bytes of batches from this address/);
        expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        expect(limited.headers['access-control-allow-origin']).toBe(ORIGIN);
        expect((await t!.collector.storage.getBatches(t!.siteId, 'bytes')).map((b) => b.seq)).toEqual([0, 1]);
        expect(await t!.collector.ingestStats()).toMatchObject({ scrubbedInWorkers: 2 });
        expect((await send(t!.collector, small(2), { ip: '10.0.2.2' })).statusCode).toBe(200);

        // a batch larger than the whole budget passes when the budget is full, and leaves a debt
        const large = batch({ siteKey: t!.key, sessionId: 'large', seq: 0, events: paragraphPage(2000) });
        expect(Buffer.byteLength(JSON.stringify(large))).toBeGreaterThan(size * 1.5);
        expect((await send(t!.collector, large, { ip: '10.0.2.3' })).statusCode).toBe(200);
        expect((await send(t!.collector, batch({ siteKey: t!.key, sessionId: 'large', seq: 1 }), { ip: '10.0.2.3' })).statusCode).toBe(429);
      });

      it('per IP in inflated bytes: a body over --max-batch-bytes spends that many, so repeated bombs are refused at the door', async () => {
        await start({
          collector: { maxDecompressedBytes: 64 * 1024, rateLimits: { ipBytes: { perSecond: 0.001, burst: 3 * 64 * 1024 } } },
        });
        const bomb = gzipSync(
          Buffer.concat([Buffer.from('{"v":1,"sessionId":"s","seq":0,"events":[],"pad":"'), Buffer.alloc(1024 * 1024, 0x61)]),
        );
        const codes = [];
        for (let i = 0; i < 4; i++) codes.push((await send(t!.collector, null, { ip: '10.0.2.4', key: t!.key, raw: bomb })).statusCode);
        expect(codes).toEqual([413, 413, 413, 429]);
      });

      it('per key, across IPs', async () => {
        await start({ collector: { rateLimits: { key: { perSecond: 0.01, burst: 2 } } } });
        const codes = [];
        for (let seq = 0; seq < 3; seq++)
          codes.push((await send(t!.collector, batch({ siteKey: t!.key, seq }), { ip: `10.0.1.${seq}` })).statusCode);
        expect(codes).toEqual([200, 200, 429]);
      });
    });

    describe('server-side scrub (defence in depth)', () => {
      const leaks = (json: string) =>
        Object.entries(SECRETS).filter(([, secret]) => json.includes(secret) || json.includes(secret.replace(/ /g, '')));

      it('removes passwords, e-mails and card numbers from text, attributes and inputs of a tampered batch; keeps what relaxed allows', async () => {
        await start({ privacy: 'relaxed' });
        const res = await send(t!.collector, batch({ siteKey: t!.key }));
        expect(res.statusCode).toBe(200);
        const json = JSON.stringify(await storedEvents(t!.collector, t!.siteId, 'session-1'));
        expect(leaks(json)).toEqual([]);
        expect(json).toContain(PLAIN.heading);
        expect(json).toContain(PLAIN.search);
      });

      it("uses the site's privacy mode, not the client's: a strict site keeps no page text", async () => {
        await start({ privacy: 'strict' });
        await send(t!.collector, batch({ siteKey: t!.key, privacy: 'relaxed' }));
        const json = JSON.stringify(await storedEvents(t!.collector, t!.siteId, 'session-1'));
        expect(leaks(json)).toEqual([]);
        expect(json).not.toContain(PLAIN.heading);
        expect(json).not.toContain(PLAIN.search);
      });

      it('scrubs a batch without a full snapshot after a restart by rebuilding from the stored batches', async () => {
        // The premise: a fresh scrubber drops a mutation about nodes it has not seen.
        expect(createScrubber({ privacy: 'relaxed' }).scrub(structuredClone(laterEvents()[0]) as any)).toBeNull();

        await start({ privacy: 'relaxed' });
        expect((await send(t!.collector, batch({ siteKey: t!.key }))).statusCode).toBe(200);
        await t!.restart();
        const res = await send(t!.collector, batch({ siteKey: t!.key, seq: 1, events: laterEvents() }));
        expect(res.statusCode).toBe(200);
        const [, second] = await t!.collector.storage.getBatches(t!.siteId, 'session-1');
        const { decodeBlob } = await import('../src/recordings/blob');
        const events = await decodeBlob(second.blob);
        const json = JSON.stringify(events);
        expect(json).toContain(PLAIN.secondBatch);
        expect(events.length).toBe(3);
        expect(leaks(json)).toEqual([]);
        // and the cached scrubber carries on with the next batch
        const third = await send(t!.collector, batch({ siteKey: t!.key, seq: 2, events: [inputEvent(11, 'more wool', T_LATE)] }));
        expect(third.statusCode).toBe(200);
        expect(JSON.stringify(await storedEvents(t!.collector, t!.siteId, 'session-1'))).toContain('more wool');
      });

      it('scrubs a session whose batches go to two instances on one database', async () => {
        await start({ privacy: 'relaxed' });
        const { createCollector } = await import('../src/server');
        const second = await createCollector({ database: t!.database, ...t!.storeOptions, listen: false });
        try {
          expect((await send(t!.collector, batch({ siteKey: t!.key }))).statusCode).toBe(200);
          expect((await send(second, batch({ siteKey: t!.key, seq: 1, events: laterEvents() }))).statusCode).toBe(200);
          // back to the first instance, whose cached scrubber is now one batch behind
          expect(
            (await send(t!.collector, batch({ siteKey: t!.key, seq: 2, events: [textEdit(21, 'edited by instance one', T_LATE)] })))
              .statusCode,
          ).toBe(200);
        } finally {
          await second.close();
        }
        const json = JSON.stringify(await storedEvents(t!.collector, t!.siteId, 'session-1'));
        expect(json).toContain(PLAIN.secondBatch);
        expect(json).toContain('edited by instance one');
        expect(leaks(json)).toEqual([]);
      });

      it('rebuilds for a batch that arrives out of order', async () => {
        await start({ privacy: 'relaxed' });
        await send(t!.collector, batch({ siteKey: t!.key }));
        await send(t!.collector, batch({ siteKey: t!.key, seq: 2, events: [inputEvent(11, 'late wool', T_LATE)] }));
        await send(t!.collector, batch({ siteKey: t!.key, seq: 1, events: laterEvents() }));
        const json = JSON.stringify(await storedEvents(t!.collector, t!.siteId, 'session-1'));
        expect(json).toContain(PLAIN.secondBatch);
        expect(json).toContain('late wool');
        expect(leaks(json)).toEqual([]);
      });
    });

    describe('retention and deletion', () => {
      it('purges sessions older than the retention period, on start and on demand', async () => {
        let now = Date.now();
        await start({ collector: { now: () => now, retentionDays: 30 } });
        await send(t!.collector, batch({ siteKey: t!.key }));
        now += 29 * 86_400_000;
        await send(t!.collector, batch({ siteKey: t!.key, sessionId: 'session-2' }));
        expect(await t!.collector.purge()).toBe(0);
        now += 2 * 86_400_000;
        expect(await t!.collector.purge()).toBe(1);
        expect((await sessions()).map((s) => s.sessionId)).toEqual(['session-2']);
        now += 30 * 86_400_000;
        await t!.restart({ now: () => now });
        expect(await sessions()).toEqual([]);
        expect(await t!.collector.storage.getBatches(t!.siteId, 'session-2')).toEqual([]);
      });

      it('deletes one session, or every session of one visitor, with their batches and gaps', async () => {
        await start();
        const c = t!.collector;
        await send(c, batch({ siteKey: t!.key, sessionId: 'a1', visitorId: 'visitor-a' }));
        await send(c, batch({ siteKey: t!.key, sessionId: 'a2', visitorId: 'visitor-a', seq: 2 }));
        await send(c, batch({ siteKey: t!.key, sessionId: 'b1', visitorId: 'visitor-b' }));
        await send(c, batch({ siteKey: t!.key, sessionId: 'c1' }));
        expect(await c.storage.deleteVisitor(t!.siteId, 'visitor-a')).toBe(2);
        expect(await c.storage.getBatches(t!.siteId, 'a2')).toEqual([]);
        expect(await c.storage.getGaps(t!.siteId, 'a2')).toEqual([]);
        expect(await c.storage.deleteSession(t!.siteId, 'c1')).toBe(1);
        expect((await sessions()).map((s) => s.sessionId)).toEqual(['b1']);
      });
    });

    describe('administration', () => {
      it('a rotated ingest key replaces the old one at once; a removed user is gone with their login sessions', async () => {
        await start();
        const c = t!.collector;
        const { key } = await rotateSiteKey(c.storage, 'shop');
        expect((await send(c, batch({ siteKey: t!.key }))).statusCode).toBe(401);
        expect((await send(c, batch({ siteKey: key }))).statusCode).toBe(200);
        await addUser(c.storage, { email: 'alice@example.com', password: 'correct horse battery', sites: ['shop'] });
        const alice = (await c.storage.getUserByEmail('alice@example.com'))!;
        await c.storage.createLoginSession('session-hash', { userId: alice.id, expiresAt: Date.now() + 60_000 });
        expect((await c.storage.listUsers()).map((u) => u.email)).toEqual(['alice@example.com']);
        await removeUser(c.storage, 'alice@example.com');
        expect(await c.storage.listUsers()).toEqual([]);
        expect(await c.storage.getLoginSession('session-hash', Date.now())).toBeNull();
        expect(await c.storage.deleteUser(alice.id)).toBe(false);
      });
    });

    describe('a database error', () => {
      it('answers 503 with Retry-After and leaves nothing half-written', async () => {
        await start();
        const storage = t!.collector.storage;
        const realWrite = storage.writeBatch.bind(storage);
        // Fail inside the transaction, after the batch insert (a NOT NULL column of
        // the session row): the rollback must take the inserted batch back out.
        (storage as any).writeBatch = async (b: any) => realWrite({ ...b, pages: null });
        const res = await send(t!.collector, batch({ siteKey: t!.key }));
        expect(res.statusCode).toBe(503);
        expect(res.headers['retry-after']).toBe('5');
        expect(res.json().error).toMatch(/retry later/);
        expect(await storage.getBatches(t!.siteId, 'session-1')).toEqual([]);
        expect(await sessions()).toEqual([]);
        // the client retries the same body once the database is back
        (storage as any).writeBatch = realWrite;
        expect((await send(t!.collector, batch({ siteKey: t!.key }))).statusCode).toBe(200);
        expect((await sessions())[0]).toMatchObject({ batches: 1 });
        // the failed write's object went with its row: the bucket holds the retried one only
        if (t!.blobPrefix) expect(await bucketKeys(t!.blobPrefix)).toHaveLength(1);
      });

      it('answers 503 when the database is gone altogether, and the server keeps serving', async () => {
        await start();
        await t!.collector.storage.close();
        const res = await send(t!.collector, batch({ siteKey: t!.key }));
        expect(res.statusCode).toBe(503);
        expect(res.headers['retry-after']).toBe('5');
        expect((await send(t!.collector, 'garbage', { raw: 'garbage' })).statusCode).toBe(415);
        const viewer = await t!.collector.app.inject({ method: 'GET', url: '/login' });
        expect(viewer.statusCode).toBe(200);
        await t!.restart();
      });
    });
  });
}

const T_LATE = 1_764_383_009_000;
void gz;
void firstEvents;
