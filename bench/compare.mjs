#!/usr/bin/env node
// Compares builds of the core's <script> bundle with one another and with
// plain rrweb, on the overhead benchmark's page, in one privacy mode: every
// round runs each contender once in a fresh page, in rotated order, and the
// figures are medians of per-round ratios (they cancel the machine's drift,
// which on a shared VM is larger than most changes worth measuring).
//
//   node bench/compare.mjs [--privacy strict|relaxed] [--rounds 16] a.global.js b.global.js …
//
// Build the files to compare from two checkouts (npm run build -w @veil/core,
// then copy packages/core/dist/index.global.js). Prints figures; asserts nothing.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { buildPage } from './lib/fixture.mjs';
import { CHROMIUM_ARGS, RRWEB_RELAXED, RRWEB_STRICT, measureOnce, startServer } from './lib/overhead.mjs';
import { median } from './lib/stats.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
let privacy = 'strict';
let rounds = 16;
const builds = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--privacy') privacy = args[++i];
  else if (args[i] === '--rounds') rounds = Number(args[++i]);
  else builds.push(resolve(args[i]));
}
if (!['strict', 'relaxed'].includes(privacy) || !(rounds >= 1) || !builds.length) {
  console.error('usage: node bench/compare.mjs [--privacy strict|relaxed] [--rounds N] a.global.js [b.global.js …]');
  process.exit(2);
}

const RRWEB = { strict: RRWEB_STRICT, relaxed: RRWEB_RELAXED };
const js = (path) => ({ type: 'text/javascript', body: readFileSync(path) });
const files = {
  '/harness.js': js(join(root, 'bench/lib/page-harness.js')),
  '/rrweb-record.js': js(join(root, 'node_modules/@rrweb/record/dist/record.umd.min.cjs')),
};
const contenders = [
  { name: 'none', kind: 'none', scripts: [] },
  { name: 'rrweb', kind: 'rrweb', options: RRWEB[privacy], scripts: ['/rrweb-record.js'] },
  ...builds.map((path, i) => {
    files[`/build${i}.js`] = js(path);
    return { name: `build${i}`, label: path, kind: 'veil', options: { privacy, flushInterval: 3_600_000 }, scripts: [`/build${i}.js`] };
  }),
];
const pages = new Map(
  contenders.map((c) => [c.name, buildPage({ targetElements: 10_000, seed: 42, scripts: [...c.scripts, '/harness.js'] }).html]),
);
const server = await startServer({ files, pages });
const browser = await chromium.launch({ executablePath: process.env.VEIL_CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS });
const cpu = Object.fromEntries(contenders.map((c) => [c.name, { snapshot: [], mutations: [] }]));
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const baseUrl = `http://127.0.0.1:${server.address().port}`;
  for (let r = 0; r <= rounds; r++) {
    for (const c of contenders.map((_, i) => contenders[(i + r) % contenders.length])) {
      const res = await measureOnce(context, baseUrl, c, { mutations: 10_000, batch: 1000 }, false);
      // round 0 warms the HTTP and code caches
      if (r > 0) {
        cpu[c.name].snapshot.push(res.snapshot.taskMs);
        cpu[c.name].mutations.push(res.mutations.taskMs);
      }
    }
    process.stderr.write(`round ${r}/${rounds}\n`);
  }
} finally {
  await browser.close();
  server.close();
}

const paired = (f) => median(Array.from({ length: rounds }, (_, i) => f(i)));
const snap = (name, base) => paired((i) => cpu[name].snapshot[i] / cpu[base].snapshot[i]);
// what each recorder adds on top of the page's own mutation work
const added = (name, i) => cpu[name].mutations[i] - cpu.none.mutations[i];
const mut = (name, base) => paired((i) => added(name, i) / added(base, i));
const x = (v) => `${v.toFixed(3)}x`;
console.log(`${privacy}, ${rounds} rounds; main-thread CPU, medians of per-round ratios`);
console.log(
  `rrweb: snapshot ${median(cpu.rrweb.snapshot).toFixed(1)} ms, mutations added ${median(cpu.rrweb.mutations.map((_, i) => added('rrweb', i))).toFixed(1)} ms`,
);
for (const [i, path] of builds.entries()) {
  const name = `build${i}`;
  const vsFirst = i ? `; vs ${builds[0]}: snapshot ${x(snap(name, 'build0'))}, mutations added ${x(mut(name, 'build0'))}` : '';
  console.log(`${path}: vs rrweb snapshot ${x(snap(name, 'rrweb'))}, mutations added ${x(mut(name, 'rrweb'))}${vsFirst}`);
}
