// Time to first frame of a 30-minute recording: a scripted visitor (the
// player tests' shop page, on Playwright's fake clock) records 30 minutes
// into a collector on SQLite; then the replay page is opened RUNS times, and
// for each we note when the recorded page first shows in the player (the
// first page of events.json is enough for that) and when the whole recording
// has arrived. Medians are printed; nothing is asserted (a benchmark).
//
//   npm run build -w @veil/collector && node packages/collector/bench/first-frame.mjs [minutes]
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { addSite, addUser, createCollector } from '../dist/index.js';
import { startShop, visitShopLong } from '../test/shop-page.mjs';

const MINUTES = Number(process.argv[2] ?? 30);
const RUNS = 5;
const PASSWORD = 'correct horse battery staple';
const CHROMIUM = process.env.VEIL_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const dir = mkdtempSync(path.join(os.tmpdir(), 'veil-first-frame-'));
const collector = await createCollector({
  database: path.join(dir, 'bench.db'),
  port: 0,
  rateLimits: { loginAccount: { perSecond: 100, burst: 100 } },
});
const shop = await startShop();
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
try {
  const { site, key } = await addSite(collector.storage, { name: 'shop', origins: [shop.origin], privacy: 'relaxed' });
  await addUser(collector.storage, { email: 'owner@example.com', password: PASSWORD, sites: ['shop'] });
  const recording = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const visitor = await recording.newPage();
  const started = Date.now();
  await visitShopLong(visitor, `${shop.url}?${new URLSearchParams({ collector: `${collector.url}/v1/ingest`, key })}`, MINUTES);
  await recording.close();
  let session;
  for (let i = 0; i < 100 && !(session = (await collector.storage.listSessions(site.id))[0]); i++) await sleep(100);
  await sleep(1500); // the last batches
  session = (await collector.storage.listSessions(site.id))[0];
  console.log(
    `recorded ${MINUTES} min (fake clock) in ${((Date.now() - started) / 1000).toFixed(1)} s: ${session.batches} batches, ${session.events} events, ${(session.bytes / 1024).toFixed(0)} KiB stored`,
  );

  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${collector.url}/login`);
  await page.fill('input[name=email]', 'owner@example.com');
  await page.fill('input[name=password]', PASSWORD);
  await Promise.all([page.waitForURL(`${collector.url}/`), page.click('button[type=submit]')]);

  const firstFrame = [];
  const allLoaded = [];
  for (let run = 0; run < RUNS; run++) {
    const t0 = Date.now();
    await page.goto(`${collector.url}/sites/shop/sessions/${session.sessionId}`, { waitUntil: 'commit' });
    let shown = null;
    let loaded = null;
    while (loaded === null && Date.now() - t0 < 120_000) {
      const player = page.frames().find((f) => f.url().endsWith('/player'));
      if (shown === null) {
        const replay = player?.childFrames()[0];
        if (replay && (await replay.evaluate(() => Boolean(document.getElementById('title'))).catch(() => false))) shown = Date.now() - t0;
      } else if (await player.evaluate(() => window.veilPlayer?.replayer && !window.veilPlayer.loading).catch(() => false)) {
        loaded = Date.now() - t0;
      }
      await sleep(5);
    }
    firstFrame.push(shown);
    allLoaded.push(loaded);
  }
  console.log(
    `time to first frame (replay page opened → recorded page shown), median of ${RUNS}: ${median(firstFrame)} ms  [${firstFrame.join(', ')}]`,
  );
  console.log(`whole recording loaded in the player, median of ${RUNS}: ${median(allLoaded)} ms  [${allLoaded.join(', ')}]`);
  console.log(`1-min load average: ${os.loadavg()[0].toFixed(2)} on ${os.cpus().length} CPUs`);
} finally {
  await browser.close();
  await collector.close();
  await shop.close();
  rmSync(dir, { recursive: true, force: true });
}
