// A small shop page recorded by the real recorder (the core's <script> build)
// into a collector: used by the player's browser tests and the screenshots.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const CORE_IIFE = path.resolve(here, '../../core/dist/index.global.js');

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<style>body { font: 16px system-ui; margin: 24px; } button { margin: 4px; }</style></head>
<body>
<h1 id="title">Home</h1>
<p id="cart">Cart: 0</p>
<button id="add" type="button">Add to cart</button>
<label>Search <input id="q" name="q"></label>
<button id="go" type="button">Go to checkout</button>
<button id="pay" type="button">Pay</button>
<p id="paid">Not paid</p>
<script src="/veil.js"></script>
<script src="/app.js"></script>
</body></html>`;

const APP = `
const p = new URLSearchParams(location.search);
// the recorder's settings came in the query string: the page itself is plain /
history.replaceState(null, '', '/');
window.__rec = Veil.createRecorder({
  privacy: 'relaxed',
  transport: { url: p.get('collector'), siteKey: p.get('key') },
  flushInterval: 1000,
  visitorId: p.get('visitor') || undefined,
});
window.__rec.start();
const $ = (id) => document.getElementById(id);
$('add').addEventListener('click', () => { $('cart').textContent = 'Cart: 1'; });
$('go').addEventListener('click', () => { history.pushState({}, '', '/checkout'); $('title').textContent = 'Checkout'; });
$('pay').addEventListener('click', () => { $('paid').textContent = 'Paid, thank you'; });
`;

/** Serves the shop page on 127.0.0.1 (a free port). */
export async function startShop() {
  const server = http.createServer((req, res) => {
    if (req.url === '/veil.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(readFileSync(CORE_IIFE));
    } else if (req.url === '/app.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(APP);
    } else {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(PAGE);
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/`,
    origin,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * The scripted visit: add to cart, search, sit idle for `idleMs` (on
 * Playwright's fake clock, so it costs no wall time), go to checkout (a
 * single-page navigation), resize, pay. Returns when the recorder has flushed.
 */
export async function visitShop(page, url, idleMs = 20_000) {
  await page.clock.install({ time: new Date() });
  await page.goto(url);
  await page.waitForFunction(() => window.__rec?.state === 'recording');
  await page.clock.runFor(500);
  await page.click('#add');
  await page.clock.runFor(500);
  await page.locator('#q').pressSequentially('wool scarf');
  await page.locator('#q').blur();
  await page.clock.runFor(1500);
  await page.clock.runFor(idleMs);
  await page.click('#go');
  await page.clock.runFor(1000);
  await page.setViewportSize({ width: 900, height: 700 });
  await page.clock.runFor(1000);
  await page.click('#pay');
  await page.clock.runFor(1500);
  await page.evaluate(() => window.__rec.flush());
}

/**
 * A long scripted visit on Playwright's fake clock (no wall time for the
 * pauses): every 30 s of recorded time one thing happens (add to cart, a
 * search, checkout, pay) and the pointer moves for two seconds, with two idle
 * stretches of 3 minutes, for `minutes` in all. Returns the number of clicks made.
 */
export async function visitShopLong(page, url, minutes = 30) {
  await page.clock.install({ time: new Date() });
  await page.goto(url);
  await page.waitForFunction(() => window.__rec?.state === 'recording');
  let clicks = 0;
  const steps = minutes * 2;
  for (let step = 0; step < steps; step++) {
    // idle from minute 8 to 11 and from minute 20 to 23
    const idle = (step >= 16 && step < 22) || (step >= 40 && step < 46);
    if (!idle) {
      const action = step % 4;
      if (action === 0) await page.click('#add');
      else if (action === 1) {
        await page.locator('#q').fill('');
        await page.locator('#q').pressSequentially(`scarf ${step}`);
        await page.locator('#q').blur();
      } else if (action === 2) await page.click('#go');
      else await page.click('#pay');
      if (action !== 1) clicks++;
      // the pointer wanders for two seconds, as a visitor's does: most of a real recording's events
      for (let k = 0; k < 10; k++) {
        await page.mouse.move(100 + ((step * 37 + k * 53) % 800), 100 + ((step * 23 + k * 41) % 500));
        await page.clock.runFor(200);
      }
    }
    await page.clock.runFor(idle ? 30_000 : 28_000);
  }
  await page.evaluate(() => window.__rec.flush());
  return clicks;
}
