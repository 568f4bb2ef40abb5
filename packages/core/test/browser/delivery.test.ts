// Delivery, consent and sessions, end to end: the <script> build records in
// Chromium and sends to a real HTTP server started here on 127.0.0.1.
import { gunzipSync } from 'node:zlib';
import type { BrowserContext, Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { EventType } from '../../src/engine/protocol';
import { servePages } from './page-server';

interface Received {
  at: number;
  gzip: boolean;
  contentType: string;
  batch: {
    v: number;
    sessionId: string;
    seq: number;
    siteKey?: string;
    visitorId?: string;
    dropped?: { batches: number; events: number };
    events: { type: number; data: any }[];
  };
  /** The siteKey query parameter of the request URL. */
  urlKey: string | null;
}

/** How the ingest endpoint answers the next requests; 'ok' once the list runs out. */
type Answer = 'ok' | 500 | 429 | 'reset';

let received: Received[] = [];
let answers: Answer[] = [];
let down = false;
let retryAfter = '1';
let pageConfig: Record<string, unknown> = {};
/** Which test the pages belong to: each sends to an ingest path of its own. */
let test = 0;

function pageHtml(): string {
  return `<!doctype html><html><head><meta charset="utf-8"><script src="/veil.js"></script>${pageConfig.base ? `<base href="${pageConfig.base}">` : ''}</head><body>
<h1>Orders</h1><p id="status">ready</p><input id="note" name="note"><button id="b">Go</button>
<script>
  const cfg = ${JSON.stringify(pageConfig)};
  // a slow machine: each compressed chunk comes out cfg.slowGzip ms late
  if (cfg.slowGzip) {
    const Real = CompressionStream;
    window.CompressionStream = class {
      constructor(format) {
        const real = new Real(format);
        const late = new TransformStream({ transform: (chunk, out) => new Promise((r) => setTimeout(r, cfg.slowGzip)).then(() => out.enqueue(chunk)) });
        this.writable = real.writable;
        this.readable = real.readable.pipeThrough(late);
      }
    };
  }
  const offset = () => Number(sessionStorage.getItem('__clockOffset') || 0);
  const env = { now: () => Date.now() + offset() };
  if (cfg.random !== undefined) env.random = () => cfg.random;
  window.rec = Veil.createRecorder({ privacy: 'relaxed', flushInterval: 200, ...cfg.options,
    transport: { url: location.origin + '/ingest/' + cfg.test, siteKey: 'site-1', ...cfg.transport } }, env);
  if (cfg.start !== false) window.rec.start();
</script></body></html>`;
}

const pages = servePages((req, res) => {
  if (req.url?.startsWith('/ingest/') && req.method === 'POST') {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      // a page of an earlier test, closed as it finished, may still beacon its last batch
      if (req.url!.split('?')[0] !== `/ingest/${test}`) {
        res.writeHead(204);
        return res.end();
      }
      const answer = down ? 'reset' : (answers.shift() ?? 'ok');
      if (answer === 'reset') return req.socket.destroy();
      if (answer !== 'ok') {
        res.writeHead(answer, answer === 429 ? { 'retry-after': retryAfter } : {});
        return res.end();
      }
      const body = Buffer.concat(chunks);
      const gzip = body[0] === 0x1f && body[1] === 0x8b;
      const batch = JSON.parse((gzip ? gunzipSync(body) : body).toString('utf8'));
      const urlKey = new URL(req.url!, 'http://x').searchParams.get('siteKey');
      received.push({ at: Date.now(), gzip, contentType: String(req.headers['content-type']), batch, urlKey });
      res.writeHead(204);
      res.end();
    });
    return;
  }
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(pageHtml());
});

let context: BrowserContext;
beforeEach(async (ctx) => {
  test++;
  received = [];
  answers = [];
  down = false;
  retryAfter = '1';
  pageConfig = {};
  context = await pages.browser.newContext();
  ctx.onTestFinished(() => context.close());
});

async function open(config: Record<string, unknown> = {}, path = '/'): Promise<Page> {
  pageConfig = { ...config, test };
  const page = await context.newPage();
  await page.goto(pages.base + path);
  return page;
}

const flush = (page: Page) => page.evaluate(() => (window as any).rec.flush());
const waitFor = async (cond: () => boolean, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting for the ingest server');
    await new Promise((r) => setTimeout(r, 50));
  }
};
const bySession = () => {
  const map = new Map<string, number[]>();
  for (const r of received) map.set(r.batch.sessionId, [...(map.get(r.batch.sessionId) ?? []), r.batch.seq]);
  return map;
};
const contiguous = (seqs: number[]) => [...seqs].sort((a, b) => a - b).every((s, i) => s === i);

describe('sending to an ingest URL', () => {
  it('sends gzip batches carrying session id, sequence and site key, in order without gaps or duplicates', async () => {
    const page = await open();
    for (let i = 0; i < 4; i++) {
      await page.fill('#note', `note ${i}`);
      await flush(page);
    }
    await waitFor(() => received.length >= 3);
    expect(received.every((r) => r.gzip && r.contentType.startsWith('text/plain'))).toBe(true);
    expect(received.every((r) => r.batch.v === 1 && r.batch.siteKey === 'site-1')).toBe(true);
    // in the URL too, so a receiver can refuse an unknown key before reading the body
    expect(received.every((r) => r.urlKey === 'site-1')).toBe(true);
    const sessions = bySession();
    expect(sessions.size).toBe(1);
    const seqs = [...sessions.values()][0];
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(contiguous(seqs)).toBe(true);
    expect(received[0].batch.events.some((e) => e.type === EventType.FullSnapshot)).toBe(true);
  });

  it('sends the visitor id the site gave with every batch, and none when it gave none', async () => {
    const page = await open({ options: { visitorId: 'visitor-7f3c' } });
    await page.fill('#note', 'first');
    await flush(page);
    await page.fill('#note', 'second');
    await flush(page);
    await waitFor(() => received.length >= 2);
    expect(received.map((r) => r.batch.visitorId)).toEqual(received.map(() => 'visitor-7f3c'));
    await context.close();
    context = await pages.browser.newContext();
    received = [];
    const anonymous = await open();
    await anonymous.fill('#note', 'third');
    await flush(anonymous);
    await waitFor(() => received.length >= 1);
    expect(received.every((r) => !('visitorId' in r.batch))).toBe(true);
  });

  it('continues the session across a page navigation, sending the last events on pagehide', async () => {
    const page = await open();
    await page.fill('#note', 'before navigation');
    await flush(page);
    await page.fill('#note', 'typed just before leaving');
    await page.goto(pages.base + '/second');
    await page.fill('#note', 'on the second page');
    await flush(page);
    await waitFor(
      () => JSON.stringify(received).includes('on the second page') && JSON.stringify(received).includes('typed just before leaving'),
    );
    const sessions = bySession();
    expect(sessions.size).toBe(1);
    expect(contiguous([...sessions.values()][0])).toBe(true);
    // each page opens with a full snapshot
    expect(received.filter((r) => r.batch.events.some((e) => e.type === EventType.FullSnapshot)).length).toBeGreaterThanOrEqual(2);
  });

  it("sends to a path on the page's own site, resolved against the page's location whatever <base> says", async () => {
    const page = await open({ transport: { url: `/ingest/${test}` }, base: 'https://cdn.invalid/assets/' });
    await page.fill('#note', 'sent to a same-origin path');
    await flush(page);
    await page.fill('#note', 'and by beacon on leaving');
    await page.goto(pages.base + '/second');
    await waitFor(
      () =>
        JSON.stringify(received).includes('sent to a same-origin path') && JSON.stringify(received).includes('and by beacon on leaving'),
    );
    expect(received.every((r) => r.batch.siteKey === 'site-1')).toBe(true);
  });

  it('sends by beacon on pagehide a batch that was still being compressed, and nothing twice', async () => {
    const page = await open({ slowGzip: 1500, options: { flushInterval: 100 } });
    await page.fill('#note', 'compressing while the page hides');
    // the value settles on blur, the next flush hands it to the transport, whose compression takes 1.5 s
    await page.click('#b');
    await page.waitForTimeout(400);
    await page.goto(pages.base + '/second');
    await page.fill('#note', 'on the second page');
    await flush(page);
    await waitFor(
      () =>
        JSON.stringify(received).includes('on the second page') && JSON.stringify(received).includes('compressing while the page hides'),
    );
    const sessions = bySession();
    expect(sessions.size).toBe(1);
    const seqs = [...sessions.values()][0];
    expect(contiguous(seqs), `seq ${seqs.join(', ')}`).toBe(true);
    const beaconed = received.filter((r) => JSON.stringify(r.batch).includes('compressing while the page hides'));
    expect(
      beaconed.map((r) => r.gzip),
      'sent once, as plain JSON',
    ).toEqual([false]);
  });

  it('loses nothing typed just before leaving, across several navigations on a slowed CPU', async () => {
    const page = await open();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    const typed: string[] = [];
    for (let i = 0; i < 6; i++) {
      typed.push(`typed before leaving page ${i}`);
      await page.fill('#note', typed[i]);
      await page.waitForTimeout(150 + 40 * i); // lands at a different point of the 200 ms flush cycle each time
      await page.goto(`${pages.base}/page-${i}`);
    }
    await flush(page);
    await waitFor(() => typed.every((text) => JSON.stringify(received).includes(text)));
    const sessions = bySession();
    expect(sessions.size).toBe(1);
    const seqs = [...sessions.values()][0];
    expect(contiguous([...new Set(seqs)]), `seq ${seqs.join(', ')}`).toBe(true);
  });

  it('retries after 500 answers and delivers everything once', async () => {
    answers = [500, 500];
    const page = await open({ random: 0 });
    await page.fill('#note', 'survives a server error');
    await flush(page);
    await waitFor(() => JSON.stringify(received).includes('survives a server error'));
    const seqs = [...bySession().values()][0];
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(contiguous(seqs)).toBe(true);
  });

  it('waits as long as Retry-After says after a 429', async () => {
    answers = [429];
    retryAfter = '1';
    const page = await open({ random: 0 });
    const started = Date.now();
    await page.fill('#note', 'after rate limit');
    await flush(page);
    await waitFor(() => received.length > 0);
    expect(received[0].at - started).toBeGreaterThanOrEqual(900);
    expect(received[0].batch.seq).toBe(0);
  });

  it('does not retry a batch the endpoint refuses with 400, and goes on with the next', async () => {
    answers = [400 as Answer];
    const page = await open({ random: 0 });
    await flush(page);
    await page.fill('#note', 'after a refused batch');
    await flush(page);
    await waitFor(() => JSON.stringify(received).includes('after a refused batch'));
    expect(received.map((r) => r.batch.seq)).not.toContain(0);
  });

  it('holds a bounded queue while the endpoint is down and reports what it dropped', async () => {
    down = true;
    const page = await open({ random: 0, transport: { maxQueueBytes: 4096 } });
    // incompressible text, so every batch is a few kilobytes on the wire
    for (let i = 0; i < 12; i++) {
      await page.evaluate((i) => {
        document.getElementById('status')!.textContent =
          Array.from({ length: 400 }, () => Math.random().toString(36).slice(2, 6)).join(' ') + ` batch${i}`;
      }, i);
      await page.evaluate(() => (window as any).rec.flush());
      await page.waitForTimeout(30);
    }
    down = false;
    await page.fill('#note', 'back online');
    await page.evaluate(() => (window as any).rec.flush());
    await waitFor(() => JSON.stringify(received).includes('back online'));
    const dropped = received.map((r) => r.batch.dropped).filter(Boolean) as { batches: number; events: number }[];
    const droppedBatches = dropped.reduce((n, d) => n + d.batches, 0);
    expect(droppedBatches).toBeGreaterThan(0);
    const seqs = received.map((r) => r.batch.seq);
    // every sequence number was either delivered or counted as dropped
    expect(seqs.length + droppedBatches).toBe(Math.max(...seqs) + 1);
  });
});

describe('consent and Global Privacy Control', () => {
  it('sends nothing and stores nothing before consent, then records after grantConsent()', async () => {
    const page = await open({ options: { requireConsent: true } });
    await page.fill('#note', 'typed before consent');
    await page.waitForTimeout(500);
    expect(await page.evaluate(() => (window as any).rec.state)).toBe('awaiting-consent');
    expect(await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('veil')))).toEqual([]);
    expect(received).toHaveLength(0);
    await page.evaluate(() => (window as any).rec.grantConsent());
    expect(await page.evaluate(() => (window as any).rec.state)).toBe('recording');
    await page.fill('#note', 'typed after consent');
    await flush(page);
    await waitFor(() => JSON.stringify(received).includes('typed after consent'));
  });

  it('revokeConsent() stops recording and discards what was not sent', async () => {
    const page = await open({ options: { flushInterval: 60_000 } });
    await flush(page);
    await waitFor(() => received.length > 0);
    await page.fill('#note', 'RevokedCanary42');
    await page.evaluate(() => (window as any).rec.revokeConsent());
    expect(await page.evaluate(() => (window as any).rec.state)).toBe('awaiting-consent');
    await page.fill('#note', 'after revoking');
    await page.waitForTimeout(500);
    await page.evaluate(() => (window as any).rec.flush());
    expect(JSON.stringify(received)).not.toMatch(/RevokedCanary42|after revoking/);
  });

  it('does not record when the browser sends Global Privacy Control, unless the site opts out of honouring it', async () => {
    await context.addInitScript(() => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }));
    const page = await open();
    await page.fill('#note', 'gpc visitor');
    await flush(page);
    expect(await page.evaluate(() => (window as any).rec.state)).not.toBe('recording');
    expect(received).toHaveLength(0);
    const optedOut = await open({ options: { respectGlobalPrivacyControl: false } });
    await flush(optedOut);
    await waitFor(() => received.length > 0);
  });
});

describe('sessions', () => {
  it('resumes the session after a reload, sequence numbers continuing', async () => {
    const page = await open();
    await flush(page);
    await waitFor(() => received.length > 0);
    await page.reload();
    await page.fill('#note', 'after reload');
    await flush(page);
    await waitFor(() => JSON.stringify(received).includes('after reload'));
    const sessions = bySession();
    expect(sessions.size).toBe(1);
    expect(contiguous([...sessions.values()][0])).toBe(true);
  });

  it('starts a new session, opening with a full snapshot, after 30 minutes without activity', async () => {
    const page = await open();
    await page.fill('#note', 'first session');
    await flush(page);
    await page.evaluate(() => sessionStorage.setItem('__clockOffset', String(31 * 60 * 1000)));
    await page.click('#b');
    await page.fill('#note', 'second session');
    await flush(page);
    await waitFor(() => JSON.stringify(received).includes('second session'));
    const sessions = bySession();
    expect(sessions.size).toBe(2);
    for (const seqs of sessions.values()) expect(contiguous(seqs)).toBe(true);
    const second = received.filter((r) => r.batch.sessionId !== received[0].batch.sessionId);
    expect(second[0].batch.seq).toBe(0);
    expect(second[0].batch.events.some((e) => e.type === EventType.FullSnapshot)).toBe(true);
  });

  it('ends the session on stop(): the next start() begins a new one', async () => {
    const page = await open();
    await flush(page);
    await page.evaluate(() => (window as any).rec.stop());
    await page.evaluate(() => (window as any).rec.start());
    await flush(page);
    await waitFor(() => bySession().size === 2);
  });

  it('decides sampling once per session, also across reloads', async () => {
    const page = await open({ random: 0.9, options: { sampleRate: 0.5 } });
    await flush(page);
    expect(await page.evaluate(() => (window as any).rec.state)).toBe('idle');
    pageConfig = { random: 0, options: { sampleRate: 0.5 }, test };
    await page.reload();
    await flush(page);
    await page.waitForTimeout(300);
    expect(received).toHaveLength(0);
  });
});
