// A site's settings, served by a stand-in collector started here: the
// recorder asks for them as it begins, hears them in ingest answers, and
// records under the stricter of them and the page's options (relaxed here).
// Each test plants unique values and looks for them in every batch received.
import { gunzipSync } from 'node:zlib';
import type { BrowserContext, Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { EventType } from '../../src/engine/protocol';
import { servePages } from './page-server';

interface Settings {
  v: 1;
  recording: boolean;
  privacy: 'strict' | 'balanced' | 'relaxed';
  recordInputs: boolean;
  sampleRate: number;
}
const RELAXED: Settings = { v: 1, recording: true, privacy: 'relaxed', recordInputs: true, sampleRate: 1 };

let test = 0;
/** What GET …/settings answers (null: 404, as a receiver without settings), once `servedWhen` resolves. */
let served: Settings | null = null;
let servedWhen: Promise<void> = Promise.resolve();
/** What ingest answers carry from the nth batch on (null: nothing). */
let answered: { from: number; settings: Settings; status?: number } | null = null;
let settingsAsked = 0;
let batches: { seq: number; events: { type: number; data: any }[] }[] = [];

const pageHtml = (
  options: Record<string, unknown>,
  draws: number[] | null,
) => `<!doctype html><html><head><meta charset="utf-8"><script src="/veil.js"></script></head><body>
<h1>Account</h1><p id="status">HeadlineCanary7731 is shown</p><input id="note" name="note">
<script>
  // the session draws, in order (then 0.5), when a test gives them
  const draws = ${JSON.stringify(draws)};
  window.rec = Veil.createRecorder({ privacy: 'relaxed', flushInterval: 200, ...${JSON.stringify(options)},
    transport: { url: location.origin + '/t${test}/v1/ingest', siteKey: 'site-1' } },
    draws ? { random: () => (draws.length ? draws.shift() : 0.5) } : {});
  window.rec.start();
</script></body></html>`;

let pageOptions: Record<string, unknown> = {};
let pageDraws: number[] | null = null;

const pages = servePages((req, res) => {
  const url = new URL(req.url!, 'http://x');
  if (url.pathname === `/t${test}/v1/settings` && req.method === 'GET') {
    settingsAsked++;
    expect(url.searchParams.get('siteKey')).toBe('site-1');
    const answer = () => {
      if (!served) {
        res.writeHead(404, { 'content-type': 'application/json' });
        return res.end('{"error":"no settings here"}');
      }
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(served));
    };
    return void servedWhen.then(answer);
  }
  if (url.pathname === `/t${test}/v1/ingest` && req.method === 'POST') {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const batch = JSON.parse((body[0] === 0x1f ? gunzipSync(body) : body).toString('utf8'));
      const carry = answered && batch.seq >= answered.from ? answered : null;
      if (carry?.status) {
        res.writeHead(carry.status, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ error: 'recording is switched off for this site', settings: carry.settings }));
      }
      batches.push(batch);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, ...(carry ? { settings: carry.settings } : {}) }));
    });
    return;
  }
  if (url.pathname === '/') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    return res.end(pageHtml(pageOptions, pageDraws));
  }
  res.writeHead(404);
  res.end();
});

let context: BrowserContext;
beforeEach(async (ctx) => {
  test++;
  served = null;
  servedWhen = Promise.resolve();
  answered = null;
  settingsAsked = 0;
  batches = [];
  pageOptions = {};
  pageDraws = null;
  context = await pages.browser.newContext();
  ctx.onTestFinished(() => context.close());
});

async function open(options: Record<string, unknown> = {}): Promise<Page> {
  pageOptions = options;
  const page = await context.newPage();
  await page.goto(pages.base + '/');
  return page;
}

const flush = (page: Page) => page.evaluate(() => (window as any).rec.flush());
const state = (page: Page) => page.evaluate(() => (window as any).rec.state as string);
const sent = () => JSON.stringify(batches);
/** Types `value` key by key and leaves the field, so relaxed mode's settled value goes out. */
async function type(page: Page, value: string) {
  await page.fill('#note', '');
  await page.type('#note', value, { delay: 5 });
  await page.locator('#note').blur();
}

describe('site settings', () => {
  it('records as the page asks when the receiver has no settings (404), and asks once per start', async () => {
    const page = await open();
    await type(page, 'TypedCanary1001');
    await flush(page);
    expect(settingsAsked).toBe(1);
    expect(sent()).toContain('HeadlineCanary7731');
    expect(sent()).toContain('TypedCanary1001');
  });

  it("a site in strict mode masks the relaxed page's text and values, from the first batch", async () => {
    served = { ...RELAXED, privacy: 'strict' };
    const page = await open();
    await type(page, 'TypedCanary2002');
    await flush(page);
    expect(batches.length).toBeGreaterThan(0);
    expect(batches[0].events.some((e) => e.type === EventType.FullSnapshot)).toBe(true);
    expect(sent()).not.toContain('HeadlineCanary7731');
    expect(sent()).not.toContain('TypedCanary2002');
    // the page is still recorded: the heading's shape is there, masked
    expect(sent()).toContain('*'.repeat('HeadlineCanary7731'.length));
  });

  it('form-input recording off masks typed values and keeps page text, in relaxed mode', async () => {
    served = { ...RELAXED, recordInputs: false };
    const page = await open();
    await type(page, 'TypedCanary3003');
    await flush(page);
    expect(sent()).toContain('HeadlineCanary7731');
    expect(sent()).not.toContain('TypedCanary3003');
    expect(sent()).toContain('*'.repeat('TypedCanary3003'.length));
  });

  it('settings that come late re-mask what was recorded while they were awaited', async () => {
    served = { ...RELAXED, recordInputs: false, privacy: 'strict' };
    let release!: () => void;
    servedWhen = new Promise((resolve) => (release = resolve));
    const page = await open();
    // typed and settled before the settings arrive: held back, then scrubbed again
    await type(page, 'TypedCanary4004');
    await page.waitForTimeout(400);
    expect(batches).toHaveLength(0);
    release();
    await flush(page);
    expect(settingsAsked).toBe(1);
    expect(sent()).not.toContain('TypedCanary4004');
    expect(sent()).not.toContain('HeadlineCanary7731');
    // a fresh snapshot under the stricter policy follows the re-masked one
    expect(batches.flatMap((b) => b.events).filter((e) => e.type === EventType.FullSnapshot).length).toBeGreaterThanOrEqual(2);
  });

  it('settings in an ingest answer tighten recording from then on', async () => {
    const page = await open();
    await type(page, 'BeforeAnswer5005');
    await flush(page);
    expect(sent()).toContain('BeforeAnswer5005');
    // the next answer carries settings: a click makes a batch to answer
    answered = { from: 0, settings: { ...RELAXED, recordInputs: false } };
    await page.click('h1');
    await flush(page);
    await type(page, 'AfterAnswer5006');
    await flush(page);
    expect(sent()).not.toContain('AfterAnswer5006');
    expect(sent()).toContain('HeadlineCanary7731');
  });

  it("a page's own stricter options stand against a more relaxed site", async () => {
    served = RELAXED;
    const strict = await open({ privacy: 'strict' });
    await type(strict, 'TypedCanary6006');
    await flush(strict);
    expect(sent()).not.toContain('TypedCanary6006');
    expect(sent()).not.toContain('HeadlineCanary7731');
    await strict.close();
    batches = [];
    const noInputs = await open({ recordInputs: false });
    await type(noInputs, 'TypedCanary6007');
    await flush(noInputs);
    expect(sent()).not.toContain('TypedCanary6007');
    expect(sent()).toContain('HeadlineCanary7731');
  });

  it('the kill switch stops the recorder before anything is sent, and a later start() stays stopped', async () => {
    served = { ...RELAXED, recording: false };
    const page = await open();
    await type(page, 'TypedCanary7007');
    await flush(page);
    await page.waitForTimeout(400);
    expect(batches).toHaveLength(0);
    expect(await state(page)).toBe('stopped');
    await page.evaluate(() => (window as any).rec.start());
    expect(await state(page)).toBe('stopped');
  });

  it('a refusal for a switched-off site stops recording mid-session', async () => {
    answered = { from: 1, settings: { ...RELAXED, recording: false }, status: 403 };
    const page = await open();
    await flush(page);
    expect(batches).toHaveLength(1);
    await type(page, 'TypedCanary8008');
    await flush(page);
    await expect.poll(() => state(page)).toBe('stopped');
    expect(sent()).not.toContain('TypedCanary8008');
  });

  it("a site's sample rate of 0 samples every session out, on every page of it", async () => {
    served = { ...RELAXED, sampleRate: 0 };
    const page = await open();
    await type(page, 'TypedCanary9009');
    await flush(page);
    expect(batches).toHaveLength(0);
    expect(await state(page)).toBe('idle');
    await page.reload();
    await flush(page);
    expect(batches).toHaveLength(0);
  });

  it("a session that begins afresh after a long pause is drawn at the site's rate too", async () => {
    served = { ...RELAXED, sampleRate: 0.5 };
    // the first session is drawn in (0.2 < 0.5); the one after the pause out (0.7)
    pageDraws = [0.2, 0.7];
    const page = await open({ sessionTimeout: 1000 });
    await type(page, 'FirstSession1111');
    await flush(page);
    expect(sent()).toContain('FirstSession1111');
    await page.waitForTimeout(1300);
    await type(page, 'AfterPause2222');
    await flush(page);
    expect(sent()).not.toContain('AfterPause2222');
    expect(await state(page)).toBe('idle');
  });
});
