#!/usr/bin/env node
// Times Veil's own layers in the page, on the overhead benchmark's page: the
// scrubber (every event through the recorder), the capture hooks (rrweb's
// calls into maskTextFn / maskInputFn) and the watcher (the MutationObserver
// that tells both layers what changed). It builds the <script> bundle of each
// core directory given with `performance.now()` around those three, so a
// change to one layer shows in its own figure instead of drowning in the
// noise of a whole-page ratio (section 4 of README.md).
//
//   node bench/layers.mjs [--privacy strict|relaxed] [--rounds 10] [coreDir …]
//
// coreDir defaults to packages/core; give two (say, a checkout of the commit
// before a change, with node_modules linked, and this one) to compare them
// page by page. Prints figures; asserts nothing.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { buildPage, PROBES } from './lib/fixture.mjs';
import { CHROMIUM_ARGS, startServer } from './lib/overhead.mjs';
import { median } from './lib/stats.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
let privacy = 'strict';
let rounds = 10;
const cores = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--privacy') privacy = args[++i];
  else if (args[i] === '--rounds') rounds = Number(args[++i]);
  else cores.push(resolve(args[i]));
}
if (!cores.length) cores.push(join(root, 'packages/core'));
if (!['strict', 'relaxed'].includes(privacy) || !(rounds >= 1)) {
  console.error('usage: node bench/layers.mjs [--privacy strict|relaxed] [--rounds N] [coreDir …]');
  process.exit(2);
}

// Where the timers go, file by file under src/page/. A marker that is missing
// stops the tool with its name: the code changed, and so must these.
const TIMER = `const __veilAdd = (layer, t0) => { const l = (globalThis.__veilLayers ??= {}); l[layer] = (l[layer] ?? 0) + performance.now() - t0; };
const __veilTimed = (layer, fn) => function (...a) { const t0 = performance.now(); try { return fn.apply(this, a); } finally { __veilAdd(layer, t0); } };
`;
const MARKERS = {
  'recording.ts': [
    [
      'the scrubber',
      'const clean = running.scrubber.scrub(raw);',
      'const __t0 = performance.now(); const clean = running.scrubber.scrub(raw); __veilAdd(raw.type === EventType.FullSnapshot ? "scrubber (full snapshot)" : "scrubber", __t0);',
    ],
    [
      'the capture hooks',
      'return hook(text, element);',
      'const __t0 = performance.now(); try { return hook(text, element); } finally { __veilAdd("capture hooks", __t0); }',
    ],
  ],
  'mark-watcher.ts': [
    [
      'the watcher',
      'const observer = new MutationObserver(changed);',
      'const observer = new MutationObserver(__veilTimed("watcher", changed));',
    ],
    [
      'the watcher, asked before each event',
      'if (!stopped) changed(observer.takeRecords());',
      'if (!stopped) __veilTimed("watcher", changed)(observer.takeRecords());',
    ],
  ],
};

async function instrumentedBundle(coreDir) {
  // the core's own rrweb patch, applied as its build applies it (a TypeScript module)
  const scratch = mkdtempSync(join(tmpdir(), 'veil-layers-'));
  try {
    const pluginFile = join(scratch, 'patch-rrweb.mjs');
    await build({
      entryPoints: [join(coreDir, 'build/patch-rrweb.ts')],
      outfile: pluginFile,
      format: 'esm',
      platform: 'node',
      logLevel: 'warning',
    });
    const { patchRrweb } = await import(pathToFileURL(pluginFile).href);
    const timed = new Set();
    const timers = {
      name: 'veil-layer-timers',
      setup(b) {
        b.onLoad({ filter: /[\\/]src[\\/]page[\\/](recording|mark-watcher)\.ts$/ }, (a) => {
          let source = readFileSync(a.path, 'utf8');
          for (const [what, from, to] of MARKERS[basename(a.path)]) {
            if (!source.includes(from)) throw new Error(`bench/layers.mjs: where to time ${what} was not found in ${a.path}`);
            source = source.replace(from, to);
          }
          timed.add(basename(a.path));
          return { contents: TIMER + source, loader: 'ts' };
        });
      },
    };
    const out = await build({
      entryPoints: [join(coreDir, 'src/browser.ts')],
      bundle: true,
      format: 'iife',
      globalName: 'Veil',
      platform: 'browser',
      target: 'es2020',
      minify: true,
      write: false,
      logLevel: 'warning',
      plugins: [patchRrweb(join(coreDir, 'build/rrweb-record.patch')), timers],
    });
    for (const file of Object.keys(MARKERS))
      if (!timed.has(file))
        throw new Error(`bench/layers.mjs: src/page/${file} was not in the bundle; the recorder changed, and so must MARKERS`);
    return out.outputFiles[0].text;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const bundles = await Promise.all(cores.map(instrumentedBundle));
const files = { '/harness.js': { type: 'text/javascript', body: readFileSync(join(root, 'bench/lib/page-harness.js')) } };
const pages = new Map();
bundles.forEach((body, i) => {
  files[`/veil${i}.js`] = { type: 'text/javascript', body };
  pages.set(String(i), buildPage({ targetElements: 10_000, seed: 42, scripts: [`/veil${i}.js`, '/harness.js'] }).html);
});
const server = await startServer({ files, pages });
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({ executablePath: process.env.VEIL_CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
const context = await browser.newContext();

const take = (page) =>
  page.evaluate(() => {
    const l = globalThis.__veilLayers ?? {};
    globalThis.__veilLayers = {};
    return l;
  });
const samples = cores.map(() => ({ snapshot: {}, mutations: {} }));
const add = (into, figures) => {
  for (const [k, v] of Object.entries(figures)) (into[k] ??= []).push(v);
};

// one warm-up round (HTTP and code caches), then rounds in rotated order
for (let round = 0; round <= rounds; round++) {
  for (let k = 0; k < cores.length; k++) {
    const i = (k + round) % cores.length;
    const page = await context.newPage();
    await page.goto(`${base}/page?c=${i}`, { waitUntil: 'load' });
    const cdp = await context.newCDPSession(page);
    // as section 2 does: no garbage of the page's own left to collect inside a measurement
    const collect = () => cdp.send('HeapProfiler.collectGarbage');
    await page.evaluate((spec) => window.__bench.setup(spec), { kind: 'veil', options: { privacy, flushInterval: 3_600_000 } });
    await take(page);
    await collect();
    const start = await page.evaluate(async () => {
      const t0 = performance.now();
      await window.__bench.snapshot();
      return performance.now() - t0;
    });
    const snapshot = { 'start() + flush()': start, ...(await take(page)) };
    await page.evaluate(() => window.__bench.discardOutput());
    await page.evaluate((a) => window.__bench.prepare(a), { seed: 7, probes: PROBES });
    await page.evaluate(() => window.__bench.settle());
    await take(page);
    await collect();
    await page.evaluate((a) => window.__bench.mutations(a), { total: 10_000, batch: 1_000 });
    const mutations = await take(page);
    await page.close();
    if (round > 0) {
      add(samples[i].snapshot, snapshot);
      add(samples[i].mutations, mutations);
    }
  }
}
await browser.close();
server.close();

console.log(`Veil's layers, ${privacy}, ${rounds} pages each: medians in ms (main thread, performance.now() in the page)`);
console.log('The watcher is also asked from inside the scrubber and the capture hooks (before each event and value): those times overlap.');
for (const phase of ['snapshot', 'mutations']) {
  console.log(`\n${phase === 'snapshot' ? '(a) full snapshot' : '(b) 10000 mutations after start'}`);
  const names = [...new Set(samples.flatMap((s) => Object.keys(s[phase])))];
  const width = Math.max(...names.map((n) => n.length));
  console.log(
    `${''.padEnd(width)}  ${cores
      .map((c) =>
        c
          .replace(root + '/', '')
          .slice(-28)
          .padStart(28),
      )
      .join('  ')}`,
  );
  for (const name of names) {
    console.log(
      `${name.padEnd(width)}  ${samples.map((s) => (s[phase][name] ? median(s[phase][name]).toFixed(1) : '—').padStart(28)).join('  ')}`,
    );
  }
}
