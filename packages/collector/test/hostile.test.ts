// Hostile requests against a collector listening on 127.0.0.1 for real: they
// must cost the server about what they cost the sender. The proofs are
// orderings, not timings: a refusal that arrives while the client still holds
// most of its body back shows the server neither waited for nor inflated it.
import http from 'node:http';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { batch, gz, ORIGIN, startTestCollector, type TestCollector } from './helpers';

/** 50 MiB of JSON in about 51 KB of gzip (the finding 1). */
const BOMB = gzipSync(
  Buffer.concat([
    Buffer.from('{"v":1,"sessionId":"s","seq":0,"events":[],"pad":"'),
    Buffer.alloc(50 * 1024 * 1024, 0x61),
    Buffer.from('"}'),
  ]),
);

interface Held {
  /** Resolves with the answer; the body may still be unfinished. */
  response: Promise<{ status: number; body: string }>;
  /** Sends the rest of the body. */
  finish(): void;
  /** What happened, in order: 'answered' and 'finished'. */
  events: string[];
}

/** POSTs `body` but sends only its first `sent` bytes until finish() is called. */
function holdBody(base: string, path: string, body: Buffer, sent: number): Held {
  const events: string[] = [];
  const url = new URL(path, base);
  const req = http.request(url, {
    method: 'POST',
    headers: { 'content-type': 'text/plain;charset=UTF-8', 'content-length': String(body.length), origin: ORIGIN },
  });
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on('response', (res) => {
      events.push('answered');
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
  });
  req.write(body.subarray(0, sent));
  return {
    response,
    events,
    finish() {
      if (events.includes('finished')) return;
      events.push('finished');
      // the server may have closed the connection after refusing: nothing to finish then
      if (!req.destroyed) req.end(body.subarray(sent), () => undefined);
    },
  };
}

function get(base: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(new URL(path, base), (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      })
      .on('error', reject);
  });
}

function post(base: string, path: string, body: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      new URL(path, base),
      { method: 'POST', headers: { 'content-type': 'text/plain;charset=UTF-8', origin: ORIGIN } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('finding 1: a gzip bomb costs the server what it cost the sender', () => {
  let t: TestCollector | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });
  const start = async () => {
    t = await startTestCollector('sqlite');
    await t.restart({ listen: true, port: 0, host: '127.0.0.1' });
    return t.collector.url;
  };

  it('refuses bombs with an unknown key, with no key in the URL, and with a valid key before their bodies arrive, while the login page answers', async () => {
    const base = await start();
    const half = Math.floor(BOMB.length / 2);
    const held = [
      holdBody(base, '/v1/ingest?siteKey=vk_unknown', BOMB, 1024),
      holdBody(base, '/v1/ingest', BOMB, 1024),
      holdBody(base, `/v1/ingest?siteKey=${t!.key}`, BOMB, half),
      holdBody(base, `/v1/ingest?siteKey=${t!.key}`, BOMB, half),
    ];
    // every bomb is still unfinished here: a server that waited for the body could not answer yet
    const answers = await Promise.all(held.map((h) => h.response));
    expect(await get(base, '/login')).toBe(200);
    for (const h of held) h.finish();

    expect(answers.map((a) => a.status)).toEqual([401, 401, 413, 413]);
    expect(JSON.parse(answers[0].body).error).toMatch(/unknown siteKey/);
    expect(JSON.parse(answers[1].body).error).toMatch(/siteKey is missing from the URL/);
    expect(JSON.parse(answers[2].body).error).toMatch(/decompresses to more than 100 times/);
    for (const h of held) expect(h.events).toEqual(['answered', 'finished']);
    expect(await t!.collector.storage.listSessions(t!.siteId)).toEqual([]);

    // and the collector still takes real batches
    const ok = await post(base, `/v1/ingest?siteKey=${t!.key}`, gz(batch({ siteKey: t!.key })));
    expect(ok.status, ok.body).toBe(200);
  });

  it('caps what a valid key may inflate per request (--max-batch-bytes), not just the ratio', async () => {
    t = await startTestCollector('sqlite', { collector: { maxDecompressedBytes: 64 * 1024, maxCompressionRatio: 1000 } });
    const big = batch({ siteKey: t.key, pad: 'x'.repeat(100 * 1024) });
    const res = await t.collector.app.inject({
      method: 'POST',
      url: `/v1/ingest?siteKey=${t.key}`,
      payload: gz(big),
      headers: { origin: ORIGIN },
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toMatch(/decompresses to more than 65536 bytes/);
    const small = await t.collector.app.inject({
      method: 'POST',
      url: `/v1/ingest?siteKey=${t.key}`,
      payload: gz(batch({ siteKey: t.key })),
      headers: { origin: ORIGIN },
    });
    expect(small.statusCode).toBe(200);
  });

  it("still takes the key inside a small plain body (the lazy transport's early beacon), but never inflates one", async () => {
    t = await startTestCollector('sqlite');
    const plain = await t.collector.app.inject({
      method: 'POST',
      url: '/v1/ingest',
      payload: JSON.stringify(batch({ siteKey: t.key })),
      headers: { origin: ORIGIN },
    });
    expect(plain.statusCode, plain.body).toBe(200);
    const zipped = await t.collector.app.inject({
      method: 'POST',
      url: '/v1/ingest',
      payload: gz(batch({ siteKey: t.key, seq: 1 })),
      headers: { origin: ORIGIN },
    });
    expect(zipped.statusCode).toBe(401);
    expect(zipped.json().error).toMatch(/siteKey is missing from the URL/);
    // a large plain body is not read for a key that is only inside it, with or without Content-Length
    const large = JSON.stringify(batch({ siteKey: t.key, seq: 2, pad: 'x'.repeat(70 * 1024) }));
    const sized = await t.collector.app.inject({ method: 'POST', url: '/v1/ingest', payload: large, headers: { origin: ORIGIN } });
    expect(sized.statusCode).toBe(401);
    expect(sized.json().error).toMatch(/a body over 65536 bytes is only read for a known key/);
    const chunked = await t.collector.app.inject({
      method: 'POST',
      url: '/v1/ingest',
      payload: Readable.from([Buffer.from(large)]),
      headers: { origin: ORIGIN, 'transfer-encoding': 'chunked' },
    });
    expect(chunked.statusCode, chunked.body).toBe(401);
    expect(chunked.json().error).toMatch(/a body over 65536 bytes is only read for a known key/);
    expect((await t.collector.storage.listSessions(t.siteId)).length).toBe(1);
    const mismatch = await t.collector.app.inject({
      method: 'POST',
      url: `/v1/ingest?siteKey=${t.key}`,
      payload: gz(batch({ siteKey: 'vk_other', seq: 1 })),
      headers: { origin: ORIGIN },
    });
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.json().error).toMatch(/differs/);
  });
});
