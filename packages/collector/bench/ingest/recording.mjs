// Batches recorded by the real recorder, for the ingest benchmark to replay.
//
// Once, a scripted visitor (test/shop-page.mjs's visitShopLong, on
// Playwright's fake clock) browses the shop page in Chromium with the core's
// <script> build recording it. The page is given a product catalogue first, so
// that its full snapshot is the size of a real shop's rather than a test
// page's. A small receiver on 127.0.0.1 keeps every request body the recorder
// sends and hands it to an in-process collector, so the recorder gets real
// answers (and behaves as it would in production). The bodies are cached
// under the system's temp folder, keyed by the recorder build, the shop page
// and this file: later runs replay the same recording without a browser.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';

const here = path.dirname(fileURLToPath(import.meta.url));
const CORE_IIFE = path.resolve(here, '../../../core/dist/index.global.js');
const SHOP_PAGE = path.resolve(here, '../../test/shop-page.mjs');
const DIST = path.resolve(here, '../../dist/index.js');
const CACHE_DIR = path.join(os.tmpdir(), 'veil-bench');
const CHROMIUM = process.env.VEIL_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** Minutes of recorded time (fake clock): every 30 s a click or a search, with pointer movement. */
const VISIT_MINUTES = 5;
const PRODUCTS = 60;

/** A shop's category page: product cards with pictures, names, prices, descriptions and buttons. */
function catalogueHtml() {
  const words = 'wool scarf linen shirt merino socks cotton tote leather belt canvas sneaker silk tie denim jacket'.split(' ');
  const cards = [];
  for (let i = 0; i < PRODUCTS; i++) {
    const name = `${words[(i * 7) % words.length]} ${words[(i * 3 + 1) % words.length]} no. ${i + 1}`;
    cards.push(`<article class="product" data-sku="SKU-${10_000 + i}">
  <a href="/products/${i + 1}"><img alt="${name}" width="160" height="160" src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></a>
  <h3><a href="/products/${i + 1}">${name}</a></h3>
  <p class="price"><span class="amount">${(19 + ((i * 13) % 180)).toFixed(2)}</span> <span class="currency">EUR</span></p>
  <p class="description">A ${name} made to last: ${words.slice(i % 5, (i % 5) + 8).join(', ')}. Free returns within 30 days.</p>
  <ul class="sizes">${['XS', 'S', 'M', 'L', 'XL'].map((s) => `<li><label><input type="radio" name="size-${i}" value="${s}"> ${s}</label></li>`).join('')}</ul>
  <button type="button" class="wish">Add to wish list</button>
</article>`);
  }
  return `<nav class="breadcrumbs"><a href="/">Home</a> › <a href="/women">Women</a> › Accessories</nav>
<section id="catalogue"><h2>Accessories</h2>${cards.join('\n')}</section>
<footer><p>Shop Example Ltd · <a href="/terms">Terms</a> · <a href="/privacy">Privacy</a></p></footer>`;
}

function cacheFile() {
  const hash = createHash('sha256');
  for (const file of [CORE_IIFE, SHOP_PAGE, fileURLToPath(import.meta.url)]) hash.update(readFileSync(file));
  return path.join(CACHE_DIR, `recording-${hash.digest('hex').slice(0, 16)}.json`);
}

/** Records a visit (or reads the cached one): `{ batches: [{ query, body (base64) }], file, cached }`. */
export async function loadRecording(log) {
  const file = cacheFile();
  if (existsSync(file)) {
    const recording = JSON.parse(readFileSync(file, 'utf8'));
    return { ...recording, file, cached: true };
  }
  log(`Recording a ${VISIT_MINUTES}-minute visit (fake clock) in Chromium with the real recorder …`);
  const batches = await recordVisit();
  mkdirSync(CACHE_DIR, { recursive: true });
  writeFileSync(file, JSON.stringify({ recordedAt: new Date().toISOString(), batches }));
  return { batches, file, cached: false };
}

async function recordVisit() {
  const { chromium } = await import('playwright-core');
  const { createCollector, addSite } = await import(DIST);
  const { startShop, visitShopLong } = await import(SHOP_PAGE);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'veil-bench-record-'));
  const shop = await startShop();
  // The shop page with the catalogue before its scripts (so the first snapshot holds it), served
  // from 127.0.0.1 like the rest: Chromium lets a page loaded from a Playwright route (an
  // address it cannot place) reach no loopback address, so the page is rewritten by a server.
  const front = http.createServer(async (req, res) => {
    const response = await fetch(new URL(req.url, shop.url));
    let body = Buffer.from(await response.arrayBuffer());
    if (response.headers.get('content-type')?.startsWith('text/html')) {
      body = Buffer.from(body.toString('utf8').replace('<script src="/veil.js">', `${catalogueHtml()}\n<script src="/veil.js">`));
    }
    res.writeHead(response.status, { 'content-type': response.headers.get('content-type') ?? 'application/octet-stream' });
    res.end(body);
  });
  await new Promise((resolve) => front.listen(0, '127.0.0.1', resolve));
  front.url = `http://127.0.0.1:${front.address().port}/`;
  const collector = await createCollector({ database: path.join(dir, 'record.db'), listen: false });
  const captured = [];
  const receiver = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      if (req.method === 'POST' && req.url.startsWith('/v1/ingest')) {
        captured.push({ query: new URL(req.url, 'http://x').search, body: body.toString('base64') });
      }
      const answer = await collector.app.inject({ method: req.method, url: req.url, headers: req.headers, payload: body });
      res.writeHead(answer.statusCode, answer.headers);
      res.end(answer.rawPayload);
    });
  });
  await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const { key } = await addSite(collector.storage, { name: 'shop', origins: [front.url.slice(0, -1)], privacy: 'balanced' });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const ingest = `http://127.0.0.1:${receiver.address().port}/v1/ingest`;
    await visitShopLong(page, `${front.url}?${new URLSearchParams({ collector: ingest, key, visitor: 'bench-visitor' })}`, VISIT_MINUTES);
    await context.close();
  } finally {
    await browser.close();
    await new Promise((resolve) => receiver.close(resolve));
    await new Promise((resolve) => front.close(resolve));
    await collector.close();
    await shop.close();
    rmSync(dir, { recursive: true, force: true });
  }
  if (!captured.length) throw new Error('The recorder sent nothing: is @veil/core built (npm run build -w @veil/core)?');
  return captured;
}

const isGzip = (body) => body[0] === 0x1f && body[1] === 0x8b;

/**
 * The recording as one visitor's batches, ready to replay under new session
 * ids. Each body is two gzip members (RFC 1952 allows several; a gunzip stream
 * reads them as one): a small head with the session id, seq and visitor id,
 * compressed per request, and the rest of the batch (events and the site key)
 * compressed once here. So the load generator spends microseconds per
 * request, not the milliseconds of gzipping a whole batch, and the server
 * inflates as much as the recorder's body would make it.
 */
export function replayPlan(recording, siteKey) {
  const batches = recording.batches
    .map(({ body }) => {
      const raw = Buffer.from(body, 'base64');
      return { raw, batch: JSON.parse((isGzip(raw) ? gunzipSync(raw) : raw).toString('utf8')) };
    })
    .sort((a, b) => a.batch.seq - b.batch.seq);
  const first = batches[0]?.batch;
  if (!first || first.seq !== 0 || !first.events.some((e) => e.type === 2)) {
    throw new Error(`The cached recording does not start with a full snapshot: delete ${recording.file} to record again.`);
  }
  const steps = batches.map(({ raw, batch }) => {
    const { sessionId: _session, seq, visitorId, ...rest } = batch;
    const tail = gzipSync(JSON.stringify({ ...rest, siteKey }).slice(1));
    return { seq, hasVisitor: visitorId !== undefined, tail, recordedBytes: raw.length, events: batch.events.length };
  });
  return {
    steps,
    /** The request body of step `index` of a visitor. */
    body(index, sessionId, visitorId) {
      const step = steps[index];
      const head = `{"sessionId":${JSON.stringify(sessionId)},"seq":${step.seq},${step.hasVisitor ? `"visitorId":${JSON.stringify(visitorId)},` : ''}`;
      return Buffer.concat([gzipSync(head), step.tail]);
    },
    describe() {
      const sizes = steps.map((s) => s.recordedBytes);
      const rest = sizes.slice(1);
      const median = [...rest].sort((a, b) => a - b)[Math.floor(rest.length / 2)] ?? 0;
      return `${steps.length} batches, ${steps.reduce((n, s) => n + s.events, 0)} events; gzip bodies: first (full snapshot) ${sizes[0]} B, the others median ${median} B, max ${Math.max(...rest, 0)} B`;
    },
  };
}
