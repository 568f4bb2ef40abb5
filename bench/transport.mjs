#!/usr/bin/env node
// What recording costs on the wire: the plain-HTML demo driven by a scripted
// visitor (browsing, searching, signing up, paying, chatting) for a fixed time.
// Prints bytes per minute as the transport would send them, uncompressed and
// gzip-compressed (CompressionStream, in the page, batch by batch), and the
// main-thread time CompressionStream takes per MiB of batches. Figures, never
// assertions.
//
//   node bench/transport.mjs [--seconds 30] [--mode strict|balanced|relaxed]
import { chromium } from 'playwright-core';
import { startServer } from '../apps/demo-html/server.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const seconds = Number(arg('seconds', 30));
const modes = arg('mode', 'strict,relaxed').split(',');

const server = await startServer({ port: 0 });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});

/** A visitor who keeps doing ordinary things until the time is up. */
async function visit(page, ms) {
  const end = Date.now() + ms;
  const type = async (sel, text) => {
    await page.click(sel);
    await page.keyboard.type(text, { delay: 90 });
  };
  for (let round = 0; Date.now() < end; round++) {
    await page.mouse.move(200 + (round % 7) * 40, 300 + (round % 5) * 30, { steps: 12 });
    await page.mouse.wheel(0, round % 2 ? 400 : -400);
    await type('#search', `lamp ${round}`);
    await type('#full-name', 'Ada Lovelace');
    await type('#email', `ada${round}@example.com`);
    await type('#password', 'correct horse');
    await type('#card-number', '4242 4242 4242 4242');
    await type('#chat-input', 'Where is my order?');
    await page.keyboard.press('Enter');
    await page.waitForTimeout(400);
  }
}

const results = [];
for (const mode of modes) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(new URL(`?privacy=${mode}`, server.url).href);
  await page.waitForFunction(() => window.__veilDemo?.recorder?.state === 'recording');
  const started = Date.now();
  await visit(page, seconds * 1000);
  await page.evaluate(() => window.__veilDemo.flush());
  const elapsedMin = (Date.now() - started) / 60_000;
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const taskMs = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value * 1000;
  const sizes = await page.evaluate(async () => {
    const gzip = async (text) =>
      new Uint8Array(await new Response(new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer()).byteLength;
    let plain = 0;
    let packed = 0;
    for (const batch of window.__veilBatches) {
      const text = JSON.stringify(batch);
      plain += new TextEncoder().encode(text).length;
      packed += await gzip(text);
    }
    return { plain, packed, batches: window.__veilBatches.length };
  });
  // compression cost: the same batches, repeated to 8 MiB, compressed batch by batch
  const before = await taskMs();
  const timing = await page.evaluate(async () => {
    const texts = window.__veilBatches.map((b) => JSON.stringify(b));
    const all = [];
    let bytes = 0;
    while (bytes < 8 * 1024 * 1024)
      for (const t of texts) {
        all.push(t);
        bytes += t.length;
      }
    const t0 = performance.now();
    for (const t of all) await new Response(new Blob([t]).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer();
    return { mib: bytes / 1024 / 1024, wallMs: performance.now() - t0 };
  });
  const busy = (await taskMs()) - before;
  results.push({
    mode,
    minutes: elapsedMin,
    batches: sizes.batches,
    plainPerMin: sizes.plain / elapsedMin,
    gzipPerMin: sizes.packed / elapsedMin,
    ratio: sizes.plain / sizes.packed,
    mainThreadMsPerMiB: busy / timing.mib,
    wallMsPerMiB: timing.wallMs / timing.mib,
  });
  await context.close();
}
await browser.close();
await server.close();

const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
console.log(`Veil transport bench: plain-HTML demo, scripted visitor, ${seconds} s per mode (Chromium, this machine)`);
console.log('mode      batches  uncompressed/min  gzip/min   ratio  main-thread ms per MiB compressed (wall ms)');
for (const r of results) {
  console.log(
    `${r.mode.padEnd(9)} ${String(r.batches).padStart(7)}  ${kib(r.plainPerMin).padStart(16)}  ${kib(r.gzipPerMin).padStart(9)}  ${r.ratio.toFixed(1).padStart(5)}x  ${r.mainThreadMsPerMiB.toFixed(1).padStart(8)} (${r.wallMsPerMiB.toFixed(1)})`,
  );
}
