#!/usr/bin/env node
// Veil benchmarks: bundle size and recording overhead. Prints figures and
// writes them to bench/results/latest.json. Never asserts timings.
//
//   node bench/run.mjs [--rounds 15] [--warmup 1] [--elements 10000]
//                      [--mutations 10000] [--batch 1000]
//                      [--only size|overhead] [--stand-in] [--check-size]
// --check-size: exit with status 1 when the core with a URL transport is over
// its size target (bytes are not noisy, so this one figure can gate CI).
//
// --stand-in runs plain rrweb in place of Veil (harness check / A-A noise floor).
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { measureSizes, measureAdapterSizes } from './lib/sizes.mjs';
import { measureOverhead } from './lib/overhead.mjs';

const benchDir = dirname(fileURLToPath(import.meta.url));
const root = resolve(benchDir, '..');
// issue 17: the core with a URL transport, its lazy chunk included
const TARGET_GZIP = 30 * 1024;
const TARGET_RATIO = 1.15;

function parseArgs(argv) {
  const a = { rounds: 15, warmup: 1, elements: 10_000, mutations: 10_000, batch: 1000, only: null, standIn: false, checkSize: false };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const num = () => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v < 0) throw new Error(`${k} needs a number`);
      return v;
    };
    if (k === '--rounds') a.rounds = num();
    else if (k === '--warmup') a.warmup = num();
    else if (k === '--elements') a.elements = num();
    else if (k === '--mutations') a.mutations = num();
    else if (k === '--batch') a.batch = num();
    else if (k === '--only') a.only = argv[++i];
    else if (k === '--stand-in') a.standIn = true;
    else if (k === '--check-size') a.checkSize = true;
    else if (k === '--help' || k === '-h') {
      console.log(
        'usage: node bench/run.mjs [--rounds N] [--warmup N] [--elements N] [--mutations N] [--batch N] [--only size|overhead] [--stand-in] [--check-size]',
      );
      process.exit(0);
    } else throw new Error(`unknown argument ${k}`);
  }
  if (a.only && !['size', 'overhead'].includes(a.only)) throw new Error('--only takes size or overhead');
  if (a.rounds < 1 || a.mutations < 1 || a.batch < 1) throw new Error('--rounds, --mutations and --batch must be at least 1');
  return a;
}

const args = parseArgs(process.argv.slice(2));
const paths = {
  coreEsm: join(root, 'packages/core/dist/index.js'),
  coreGlobal: join(root, 'packages/core/dist/index.global.js'),
  rrwebUmd: join(root, 'node_modules/@rrweb/record/dist/record.umd.min.cjs'),
  harness: join(benchDir, 'lib/page-harness.js'),
  chromium: process.env.VEIL_CHROMIUM || '/usr/bin/chromium',
};
const log = (s) => process.stderr.write(s + '\n');

// ------------------------------------------------------------------ formatting
const round2 = (x) => Math.round(x * 100) / 100;
const kib = (b) => (b == null ? '—' : `${(b / 1024).toFixed(1)} KiB`);
const ms = (x) => (x == null || Number.isNaN(x) ? '—' : x < 10 ? x.toFixed(2) : x.toFixed(1));
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);
function table(headers, rows, align) {
  const w = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (r) =>
    r
      .map((c, i) => (align[i] === 'l' ? pad(c, w[i]) : lpad(c, w[i])))
      .join('  ')
      .trimEnd();
  return [line(headers), w.map((n) => '-'.repeat(n)).join('  '), ...rows.map(line)].join('\n');
}

const started = Date.now();
const load0 = os.loadavg()[0];
const out = {
  date: new Date().toISOString(),
  env: { node: process.version, platform: `${os.platform()} ${os.arch()}`, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model },
  git: (() => {
    try {
      return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] })
        .toString()
        .trim();
    } catch {
      return null;
    }
  })(),
  config: { ...args, targetGzipBytes: TARGET_GZIP, targetRatio: TARGET_RATIO },
  sizes: null,
  overhead: null,
};

if (args.only !== 'overhead') {
  log('bundle size …');
  out.sizes = await measureSizes({ benchDir, coreEsm: paths.coreEsm, coreGlobal: paths.coreGlobal, targetGzip: TARGET_GZIP });
  out.sizes.adapters = await measureAdapterSizes(root);
}
if (args.only !== 'size') {
  if (!existsSync(paths.chromium)) {
    log(`${paths.chromium} not found: overhead not measured (set VEIL_CHROMIUM)`);
  } else {
    log(`recording overhead: ${args.warmup} warm-up + ${args.rounds} rounds …`);
    out.overhead = await measureOverhead({ ...args, paths, log, targetRatio: TARGET_RATIO });
  }
}
out.durationSec = Math.round((Date.now() - started) / 100) / 10;
out.env.loadavg1m = { start: round2(load0), end: round2(os.loadavg()[0]) };
// Our own run keeps about two processes busy: call the machine busy when the
// load was above the CPU count before we started, or above it + 2 during the run.
const loadMax = Math.max(os.loadavg()[0], ...(out.overhead?.loadSamples ?? []));
out.env.loadavg1m.maxDuringRun = round2(loadMax);
const busy = load0 > os.cpus().length || loadMax > os.cpus().length + 2;

// -------------------------------------------------------------------- printing
const lines = [];
if (out.sizes) {
  const s = out.sizes;
  lines.push('', 'Bundle size (esbuild, minified ESM, everything bundled; gzip -9)');
  const lazy = (x) =>
    x.lazy.chunks ? `; + ${x.lazy.chunks} lazy chunk(s) not loaded by this entry: ${kib(x.lazy.min)}, ${kib(x.lazy.gzip)} gzip` : '';
  const rows = [['@rrweb/record  record({ emit })', s.rrweb.min, s.rrweb.gzip, lazy(s.rrweb).replace(/^; /, '')]];
  if (s.core)
    rows.push([
      '@veil/core     createRecorder({ transport() {} })',
      s.core.min,
      s.core.gzip,
      `${s.core.overRrweb.gzip >= 0 ? '+' : '−'}${kib(Math.abs(s.core.overRrweb.gzip))} gzip over rrweb${lazy(s.core)}`,
    ]);
  if (s.coreUrl)
    rows.push([
      '@veil/core     createRecorder({ transport: url })',
      s.coreUrl.total.min,
      s.coreUrl.total.gzip,
      `entry ${kib(s.coreUrl.gzip)} + ${s.coreUrl.lazy.chunks} chunk(s) ${kib(s.coreUrl.lazy.gzip)}, gzip each`,
    ]);
  if (s.coreGlobal)
    rows.push([
      'dist/index.global.js (re-minified)',
      s.coreGlobal.min,
      s.coreGlobal.gzip,
      `as built: ${kib(s.coreGlobal.raw)}, ${kib(s.coreGlobal.rawGzip)} gzip`,
    ]);
  lines.push(
    table(
      ['bundle', 'min', 'gzip', ''],
      rows.map((r) => [r[0], kib(r[1]), kib(r[2]), r[3]]),
      ['l', 'r', 'r', 'l'],
    ),
  );
  lines.push(
    s.coreUrl
      ? `target: core with a URL transport, transport chunk included, ≤ ${kib(TARGET_GZIP)} gzip (${TARGET_GZIP} B): ${s.coreUrl.total.gzip} B → ${s.targetMet ? 'MET' : 'NOT MET'}`
      : `target: core ≤ ${kib(TARGET_GZIP)} gzip: not measured`,
  );
  for (const n of s.notes) lines.push(`note: ${n}`);
  lines.push('', 'Adapters, own code only (framework and core left out; target 2.5 KiB gzip each)');
  for (const a of s.adapters ?? []) {
    lines.push(
      a.missing
        ? `${a.name.padEnd(15)} not built (${a.missing})`
        : `${a.name.padEnd(15)} ${kib(a.min).padStart(9)} min ${kib(a.gzip).padStart(8)} gzip  ${a.gzip <= 2560 ? 'MET' : 'NOT MET'}`,
    );
  }
}
if (out.overhead) {
  const o = out.overhead;
  const names = Object.keys(o.contenders);
  const any = o.contenders[names[0]];
  const rec = names.filter((n) => n !== 'none');
  lines.push(
    '',
    `Recording overhead, headless ${o.chromiumVersion}; medians of ${args.rounds} interleaved rounds, each contender in a fresh page (ms)`,
  );
  lines.push('wall = performance.now() in the page; CPU = main-thread CPU time over the phase (CDP TaskDuration, threadTicks)');

  lines.push('', `(a) full snapshot of a page of ${any.elements} elements`);
  lines.push(
    table(
      ['contender', 'start() wall', '+flush wall', 'CPU', 'bytes', 'events'],
      rec.map((n) => {
        const c = o.contenders[n].snapshot;
        return [o.contenders[n].label, ms(c.startMs.median), ms(c.totalMs.median), ms(c.taskMs.median), kib(c.bytes), c.events];
      }),
      ['l', 'r', 'r', 'r', 'r', 'r'],
    ),
  );

  lines.push('', `(b) ${args.mutations} mutations after start, in batches of ${args.batch} (one task)`);
  lines.push(
    table(
      ['contender', 'sync+MO wall', '+flush wall', 'CPU', 'CPU − style/layout', 'bytes', 'events'],
      names.map((n) => {
        const c = o.contenders[n].mutations;
        return [
          o.contenders[n].label,
          ms(c.mutateMs.median),
          ms(c.totalMs.median),
          ms(c.taskMs.median),
          ms(c.jsMs.median),
          n === 'none' ? '—' : kib(c.bytes),
          n === 'none' ? '—' : c.events,
        ];
      }),
      ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
  );
  lines.push('("CPU" for mutations includes the page\'s own work and one rendering of the page at the end: see "no recorder";');
  lines.push(' "CPU − style/layout" takes style and layout out, which also removes layouts a recorder forces)');

  const f = (x) => (x == null || !Number.isFinite(x) ? '—' : `${x.toFixed(2)}x${x <= TARGET_RATIO ? '' : ' !'}`);
  const ratioRows = [];
  for (const [mode, r] of Object.entries(o.ratios)) {
    ratioRows.push([
      mode,
      f(r.snapshotStart.ratio),
      f(r.snapshotTotal.ratio),
      f(r.snapshotTask.ratio),
      f(r.mutationsTotal.ratio),
      f(r.mutationsTask.ratio),
      f(r.mutationsTotal.addedRatio),
      f(r.mutationsTask.addedRatio),
      f(r.mutationsCpuNoLayout.addedRatio),
    ]);
    ratioRows.push([
      `${mode}, paired`,
      f(r.snapshotStart.pairedRatio),
      f(r.snapshotTotal.pairedRatio),
      f(r.snapshotTask.pairedRatio),
      f(r.mutationsTotal.pairedRatio),
      f(r.mutationsTask.pairedRatio),
      f(r.mutationsTotal.pairedAddedRatio),
      f(r.mutationsTask.pairedAddedRatio),
      f(r.mutationsCpuNoLayout.pairedAddedRatio),
    ]);
  }
  if (ratioRows.length) {
    lines.push('', `Veil / rrweb (target ≤ ${TARGET_RATIO}x; "!" = above target)`);
    lines.push(
      table(['mode', 'snap start()', '+flush', 'CPU', 'mut wall', 'CPU', 'added wall', 'added CPU', 'added CPU−s/l'], ratioRows, [
        'l',
        'r',
        'r',
        'r',
        'r',
        'r',
        'r',
        'r',
        'r',
      ]),
    );
    lines.push('(first row: ratio of medians; "paired": median of the per-round ratios, which cancels the machine\'s drifts;');
    lines.push(' "mut wall" = sync+MO+flush; "added" = (Veil − no recorder) / (rrweb − no recorder), the ratio of recording overheads)');
    for (const [mode, r] of Object.entries(o.ratios)) {
      const v = r.verdict;
      const x = (y) => (y == null ? '—' : `${y.toFixed(2)}x`);
      lines.push(
        `target ${mode}: snapshot CPU ${x(v.snapshot)}, mutations added CPU ${x(v.mutations)} (paired) → ${v.targetMet ? 'MET' : 'NOT MET'}`,
      );
    }
  }

  lines.push('', 'Probe words found in clear in the events (snapshot + mutations):');
  const probeNames = Object.keys(any.snapshot.probeHits);
  lines.push(
    table(
      ['contender', ...probeNames, 'full snapshots', 'batches'],
      rec.map((n) => {
        const c = o.contenders[n];
        return [
          c.label,
          ...probeNames.map((p) => c.snapshot.probeHits[p] + c.mutations.probeHits[p]),
          `${c.snapshot.fullSnapshots} + ${c.mutations.fullSnapshots}`,
          c.snapshot.batches == null ? '—' : `${c.snapshot.batches} + ${c.mutations.batches}`,
        ];
      }),
      ['l', ...probeNames.map(() => 'r'), 'r', 'r'],
    ),
  );
  lines.push('(first measured round; "a + b" = snapshot phase + mutation phase)');
  const m = any.mutations.counts;
  lines.push(
    `mutation mix: ${Object.entries(m)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  for (const [n, e] of Object.entries(o.failures)) lines.push(`FAILED ${n}: ${e}`);
  for (const n of o.skipped) lines.push(`skipped ${n}: core browser build not found`);
  if (args.standIn) lines.push('NOTE: --stand-in: the "Veil" rows ran plain rrweb; the ratios show the noise floor.');
}
lines.push(
  '',
  `total ${out.durationSec} s; 1-min load average ${out.env.loadavg1m.start} before, up to ${out.env.loadavg1m.maxDuringRun} during the run, on ${os.cpus().length} CPUs`,
);
if (busy && out.overhead)
  lines.push(
    'WARNING: the machine was busy (load average above the CPU count): timings are inflated and noisy; compare ratios, not absolute times, or re-run.',
  );
console.log(lines.join('\n'));

const resultsDir = join(benchDir, 'results');
mkdirSync(resultsDir, { recursive: true });
writeFileSync(join(resultsDir, 'latest.json'), JSON.stringify(out, null, 2) + '\n');
log(`wrote ${join(resultsDir, 'latest.json')}`);
if (args.checkSize && out.sizes?.targetMet !== true) {
  console.error(
    `size check failed: the core with a URL transport is ${out.sizes?.coreUrl?.total.gzip ?? 'not measured'} B gzip, over its target of ${TARGET_GZIP} B.`,
  );
  process.exit(1);
}
