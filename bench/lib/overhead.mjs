// Recording overhead in headless Chromium: full snapshot and mutations, per
// contender, each measurement in a fresh page, contenders interleaved.
import http from 'node:http';
import os from 'node:os';
import { readFileSync, existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { buildPage, PROBES } from './fixture.mjs';
import { summarize, median } from './stats.mjs';
import { RRWEB_OPTIONS } from './rrweb-options.mjs';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// Plain rrweb with Veil's own rrweb options (RRWEB_OPTIONS), masking about as
// much as Veil does through rrweb's own options: strict masks every text and
// input (RRWEB_OPTIONS already asks for that), relaxed only marked regions and
// password, e-mail and phone fields; both block what Veil's marker blocks.
export const RRWEB_STRICT = {
  ...RRWEB_OPTIONS,
  blockSelector: '[data-veil="block"]',
};
export const RRWEB_RELAXED = {
  ...RRWEB_OPTIONS,
  maskAllInputs: false,
  maskInputOptions: { password: true, email: true, tel: true },
  maskTextSelector: '[data-veil="mask"], [data-veil="mask"] *',
  blockSelector: '[data-veil="block"]',
};
// flushInterval: an hour, so that no timer fires inside a measurement; every
// phase ends with an explicit, timed flush() instead.
const VEIL_COMMON = { flushInterval: 3_600_000 };

/**
 * The contenders. With `standIn` (harness validation, or an A/A run that shows
 * the noise floor of the ratios), the "veil" rows run plain rrweb too.
 */
export function contenders({ standIn = false } = {}) {
  return [
    { name: 'none', label: 'no recorder', kind: 'none', scripts: [] },
    { name: 'rrweb-strict', label: 'rrweb, strict-equivalent', kind: 'rrweb', options: RRWEB_STRICT, scripts: ['/rrweb-record.js'] },
    standIn
      ? { name: 'veil-strict', label: 'Veil strict (stand-in: rrweb)', kind: 'rrweb', options: RRWEB_STRICT, scripts: ['/rrweb-record.js'] }
      : {
          name: 'veil-strict',
          label: 'Veil strict',
          kind: 'veil',
          options: { ...VEIL_COMMON, privacy: 'strict' },
          scripts: ['/veil.global.js'],
        },
    { name: 'rrweb-relaxed', label: 'rrweb, relaxed-equivalent', kind: 'rrweb', options: RRWEB_RELAXED, scripts: ['/rrweb-record.js'] },
    standIn
      ? {
          name: 'veil-relaxed',
          label: 'Veil relaxed (stand-in: rrweb)',
          kind: 'rrweb',
          options: RRWEB_RELAXED,
          scripts: ['/rrweb-record.js'],
        }
      : {
          name: 'veil-relaxed',
          label: 'Veil relaxed',
          kind: 'veil',
          options: { ...VEIL_COMMON, privacy: 'relaxed' },
          scripts: ['/veil.global.js'],
        },
  ];
}

export function startServer({ files, pages }) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const common = {
      // Cross-origin isolation gives performance.now() 5 µs resolution instead of 100 µs.
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
    };
    if (url.pathname === '/page') {
      const html = pages.get(url.searchParams.get('c'));
      if (!html) {
        res.writeHead(404, common).end();
        return;
      }
      res.writeHead(200, { ...common, 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(html);
      return;
    }
    const f = files[url.pathname];
    if (!f) {
      res.writeHead(404, common).end();
      return;
    }
    res.writeHead(200, { ...common, 'Content-Type': f.type, 'Cache-Control': 'max-age=3600' }).end(f.body);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const withTimeout = (p, ms, what) =>
  Promise.race([p, new Promise((_, rej) => setTimeout(() => rej(new Error(`${what}: timed out after ${ms} ms`)), ms).unref())]);

async function metrics(cdp) {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  const m = Object.fromEntries(list.map((x) => [x.name, x.value]));
  return { task: m.TaskDuration * 1000, styleLayout: (m.LayoutDuration + m.RecalcStyleDuration) * 1000 };
}

/** One contender in one fresh page: snapshot then mutations. */
export async function measureOnce(context, baseUrl, c, cfg, countOutput) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  try {
    await page.goto(`${baseUrl}/page?c=${c.name}`, { waitUntil: 'load' });
    const cdp = await context.newCDPSession(page);
    // threadTicks: durations in main-thread CPU time, not wall time, so that
    // time the renderer spends descheduled on a busy machine is not counted.
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
    const spec = { kind: c.kind, options: c.options };
    const { elements } = await page.evaluate((s) => window.__bench.setup(s), spec);

    await cdp.send('HeapProfiler.collectGarbage');
    const m0 = await metrics(cdp);
    const snap = await withTimeout(
      page.evaluate(() => window.__bench.snapshot()),
      60_000,
      `${c.name} snapshot`,
    );
    const m1 = await metrics(cdp);
    // Output is the same every round: count it (JSON, bytes, probes) once.
    const output = () =>
      countOutput
        ? page.evaluate((p) => window.__bench.takeOutput(p), PROBES)
        : page.evaluate(() => window.__bench.discardOutput()).then(() => null);
    const snapOut = await output();

    await page.evaluate((a) => window.__bench.prepare(a), { seed: 7, probes: PROBES });
    // Let the page settle (render once) before the CPU clock starts.
    await page.evaluate(() => window.__bench.settle());
    await cdp.send('HeapProfiler.collectGarbage');
    const m2 = await metrics(cdp);
    const mut = await withTimeout(
      page.evaluate((a) => window.__bench.mutations(a), { total: cfg.mutations, batch: cfg.batch }),
      120_000,
      `${c.name} mutations`,
    );
    const m3 = await metrics(cdp);
    const mutOut = await output();
    await page.evaluate(() => window.__bench.stop());
    if (errors.length) throw new Error(errors[0]);
    return {
      elements,
      snapshot: {
        startMs: snap.startMs,
        flushMs: snap.flushMs,
        totalMs: snap.startMs + snap.flushMs,
        taskMs: m1.task - m0.task,
        jsMs: m1.task - m0.task - (m1.styleLayout - m0.styleLayout),
        out: snapOut,
      },
      mutations: {
        mutateMs: mut.mutateMs,
        flushMs: mut.flushMs,
        totalMs: mut.mutateMs + mut.flushMs,
        taskMs: m3.task - m2.task,
        jsMs: m3.task - m2.task - (m3.styleLayout - m2.styleLayout),
        out: mutOut,
        counts: mut.counts,
      },
    };
  } finally {
    await page.close();
  }
}

const TIMINGS = {
  snapshot: ['startMs', 'flushMs', 'totalMs', 'taskMs', 'jsMs'],
  mutations: ['mutateMs', 'flushMs', 'totalMs', 'taskMs', 'jsMs'],
};

/**
 * @param {{ paths: object, rounds: number, warmup: number, elements: number, mutations: number,
 *           batch: number, standIn: boolean, log: (s: string) => void }} cfg
 */
export async function measureOverhead(cfg) {
  const { paths, log } = cfg;
  const haveVeil = existsSync(paths.coreGlobal);
  let list = contenders({ standIn: cfg.standIn });
  const skipped = [];
  if (!cfg.standIn && !haveVeil) {
    skipped.push(...list.filter((c) => c.kind === 'veil').map((c) => c.name));
    list = list.filter((c) => c.kind !== 'veil');
    log(`  ${paths.coreGlobal} not found: Veil contenders skipped (use --stand-in to validate the harness)`);
  }

  const files = {
    '/harness.js': { type: 'text/javascript', body: readFileSync(paths.harness) },
    '/rrweb-record.js': { type: 'text/javascript', body: readFileSync(paths.rrwebUmd) },
    // 1×1 transparent PNG for the <img> elements of the page.
    '/pixel.png': {
      type: 'image/png',
      body: Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64'),
    },
  };
  if (haveVeil) files['/veil.global.js'] = { type: 'text/javascript', body: readFileSync(paths.coreGlobal) };
  const pages = new Map();
  let pageInfo = null;
  for (const c of list) {
    const built = buildPage({ targetElements: cfg.elements, seed: 42, scripts: [...c.scripts, '/harness.js'] });
    pages.set(c.name, built.html);
    pageInfo ??= { htmlBytes: Buffer.byteLength(built.html) };
  }

  const server = await startServer({ files, pages });
  const baseUrl = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({ executablePath: paths.chromium, args: CHROMIUM_ARGS });
  const chromiumVersion = `Chromium ${browser.version()}`;
  const results = Object.fromEntries(list.map((c) => [c.name, []]));
  const failures = {};
  const loadSamples = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const total = cfg.warmup + cfg.rounds;
    for (let r = 0; r < total; r++) {
      const t0 = Date.now();
      // Rotate the order each round so that no contender always runs first or last.
      const order = list.map((_, i) => list[(i + r) % list.length]);
      for (const c of order) {
        if (failures[c.name]) continue;
        try {
          const res = await measureOnce(context, baseUrl, c, cfg, r === cfg.warmup);
          if (r >= cfg.warmup) results[c.name].push(res);
        } catch (e) {
          failures[c.name] = String(e.message || e).split('\n')[0];
          log(`  ${c.name} failed: ${failures[c.name]}`);
        }
      }
      loadSamples.push(Math.round(os.loadavg()[0] * 100) / 100);
      log(
        `  round ${r + 1}/${total}${r < cfg.warmup ? ' (warm-up)' : ''}: ${((Date.now() - t0) / 1000).toFixed(1)} s, load ${loadSamples.at(-1)}`,
      );
    }
    await context.close();
  } finally {
    await browser.close().catch(() => {});
    server.close();
  }

  const summary = {};
  for (const c of list) {
    const rs = results[c.name];
    if (!rs.length) continue;
    const s = { label: c.label, kind: c.kind, options: c.options ?? null, elements: rs[0].elements };
    for (const phase of ['snapshot', 'mutations']) {
      s[phase] = {};
      for (const k of TIMINGS[phase]) s[phase][k] = summarize(rs.map((x) => x[phase][k]));
      const out = rs[0][phase].out; // counted in the first measured round
      s[phase].events = out.events;
      s[phase].bytes = out.bytes;
      s[phase].batches = out.batches;
      s[phase].fullSnapshots = out.fullSnapshots;
      s[phase].eventKinds = out.kinds;
      s[phase].probeHits = out.hits;
    }
    s.mutations.counts = rs[0].mutations.counts;
    summary[c.name] = s;
  }

  // Ratios Veil / rrweb: ratio of medians, and median of the per-round ratios
  // ("paired": each round runs every contender within seconds, so a paired
  // ratio cancels the machine's slow drifts, which are large on a shared VM).
  const ratios = {};
  for (const mode of ['strict', 'relaxed']) {
    const v = results[`veil-${mode}`];
    const b = results[`rrweb-${mode}`];
    const n = results.none;
    if (!v?.length || !b?.length) continue;
    const ratio = (phase, key) => {
      const vm = summary[`veil-${mode}`][phase][key].median;
      const bm = summary[`rrweb-${mode}`][phase][key].median;
      const k = Math.min(v.length, b.length);
      const paired = median(Array.from({ length: k }, (_, i) => v[i][phase][key] / b[i][phase][key]));
      const out = { veil: vm, rrweb: bm, ratio: round3(vm / bm), pairedRatio: round3(paired) };
      if (phase === 'mutations' && n?.length) {
        // Cost added on top of the page's own mutation work (no recorder).
        const nm = summary.none[phase][key].median;
        out.none = nm;
        out.addedRatio = bm - nm > 0 && vm - nm > 0 ? round3((vm - nm) / (bm - nm)) : null;
        const k3 = Math.min(k, n.length);
        const per = [];
        for (let i = 0; i < k3; i++) {
          const dv = v[i][phase][key] - n[i][phase][key];
          const db = b[i][phase][key] - n[i][phase][key];
          if (db > 0 && dv > 0) per.push(dv / db);
        }
        out.pairedAddedRatio = per.length ? round3(median(per)) : null;
      }
      return out;
    };
    ratios[mode] = {
      snapshotStart: ratio('snapshot', 'startMs'),
      snapshotTotal: ratio('snapshot', 'totalMs'),
      snapshotTask: ratio('snapshot', 'taskMs'),
      mutationsMutate: ratio('mutations', 'mutateMs'),
      mutationsTotal: ratio('mutations', 'totalMs'),
      mutationsTask: ratio('mutations', 'taskMs'),
      mutationsCpuNoLayout: ratio('mutations', 'jsMs'),
    };
    // The verdict compares recording overhead, in CPU time (robust to a busy
    // machine), paired per round: the whole snapshot, and for mutations what
    // the recorder adds to the page's own work (Veil − none) / (rrweb − none).
    const verdict = { snapshot: ratios[mode].snapshotTask.pairedRatio, mutations: ratios[mode].mutationsTask.pairedAddedRatio };
    ratios[mode].verdict = {
      ...verdict,
      uses: ['snapshotTask.pairedRatio', 'mutationsTask.pairedAddedRatio'],
      targetMet: verdict.snapshot <= cfg.targetRatio && verdict.mutations != null && verdict.mutations <= cfg.targetRatio,
    };
  }
  return { chromiumVersion, page: pageInfo, contenders: summary, ratios, failures, skipped, loadSamples };
}

const round3 = (x) => Math.round(x * 1000) / 1000;
