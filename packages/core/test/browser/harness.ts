// Real-browser harness for the privacy leak suite.
//
// Each test file that imports this module builds the IIFE bundle of
// src/browser.ts once (esbuild, in memory), launches one headless Chromium,
// and records every (scenario, mode) pair in a fresh browser context: the
// scenario's page is served over HTTP from 127.0.0.1, optional `before` steps
// run, the recorder is created and started with a function transport that
// keeps JSON.stringify(batch), the scenario's steps run, and after a short
// settle, flush() and stop(), everything the transport received is returned.
// At most VEIL_LEAK_JOBS (default 3) pages record at once.
//
// A canary counts as leaked when it appears raw, JSON-escaped, URL- or
// form-encoded, without whitespace/dashes in any case, reversed, as hex,
// base64 or a common hash, as most of its beginning (what a field held a few
// keystrokes before it became a recognisable card number or address), or,
// for random-looking tokens, as any 7-character fragment.
//
// VEIL_LEAK_CONTROL=1 runs the scenarios against plain unmasked rrweb instead
// and asserts the opposite: every canary is found (see CONTROL below).

import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { patchRrweb } from '../../build/patch-rrweb';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '@veil/test-support';
import { afterAll, beforeAll, describe, it, type ExpectStatic } from 'vitest';
import { EventType, IncrementalSource } from '../../src/engine/protocol';
import { PRIVACY_MODES, type PrivacyMode } from '../../src/engine/vocabulary';
import { replayedText } from './replayed-text';
import { disagreements, probePage, type Probe } from './explained';

export type Mode = PrivacyMode;
export const MODES: readonly Mode[] = PRIVACY_MODES;

/** The recorder options a scenario may set; `privacy` and `transport` come from the harness. */
export interface ScenarioOptions {
  mask?: string[];
  block?: string[];
  unmask?: string[];
}

export interface Scenario {
  /** The behaviour, as a sentence: it is the test name. */
  name: string;
  /** Body HTML of the page. */
  html: string;
  /** Extra HTML for <head>, after the recorder's <script>. */
  head?: string;
  /** Path (with query and fragment) the page is opened at. Default `/`. */
  path?: string;
  /** Extra files served by path (iframes, scripts, styles). */
  files?: Record<string, string>;
  options?: ScenarioOptions;
  /** Runs after the page loaded and BEFORE the recorder is created and started. */
  before?: (page: Page) => Promise<unknown>;
  /** Runs while recording. */
  steps?: (page: Page) => Promise<unknown>;
  /** Values that must never reach the transport, in any mode. */
  canaries?: string[];
  /** Values that must not reach the transport in the given modes (same checks as canaries). */
  mustNotRecord?: Partial<Record<Mode, string[]>>;
  /** Text that must be somewhere in what reached the transport, per mode. */
  mustRecord?: Partial<Record<Mode, string[]>>;
  /** Extra assertions on the recording. */
  check?: (rec: Recording, mode: Mode, expect: ExpectStatic) => void;
  /** Modes to run in. Default: all three. */
  modes?: readonly Mode[];
  /** Milliseconds to wait after the steps, before flushing. Default 300. */
  settle?: number;
  /**
   * Canaries that even an unmasked rrweb does not record (VEIL_LEAK_CONTROL=1
   * skips them), with the reason: they test that the core adds nothing.
   */
  unreachable?: { canaries: string[]; why: string };
}

export interface RecordedEvent {
  type: number;
  timestamp: number;
  data: any;
  [extra: string]: unknown;
}

export interface Batch {
  v: number;
  sessionId: string;
  seq: number;
  events: RecordedEvent[];
}

export interface Recording {
  /** Every batch the transport received, as JSON text, one per line. */
  text: string;
  /** Every string value (and key) found in the batches, decoded, one per line. */
  strings: string;
  /** The text of the replayed page, line by line, at the end of each recorded page state (replayed-text.ts). */
  replayed: string;
  batches: Batch[];
  events: RecordedEvent[];
  /** Errors reported by the recorder (onError) and uncaught page errors. */
  errors: string[];
  /** What the explanation (src/explain) says of each text and value of the page once recording stopped (none in control runs). */
  probes: Probe[];
}

// ---------------------------------------------------------------------------
// The bundle under test

const here = path.dirname(fileURLToPath(import.meta.url));
export const coreDir = path.resolve(here, '..', '..');
const entry = path.join(coreDir, 'src', 'browser.ts');

/**
 * VEIL_LEAK_CONTROL=1 checks the suite instead of the core: each scenario is
 * recorded once by plain rrweb with masking turned off (behind the same
 * `Veil.createRecorder` shape), and every canary must then be FOUND. A canary
 * that not even an unmasked recorder sees proves nothing about the core.
 */
export const CONTROL = process.env.VEIL_LEAK_CONTROL === '1';

const CONTROL_ENTRY = `
import { record } from '@rrweb/record';
export function createRecorder(options) {
  let stopFn = null; let seq = 0; const buffer = [];
  return {
    start() {
      stopFn = record({ emit: (e) => buffer.push(e), maskAllInputs: false, maskInputOptions: {}, slimDOMOptions: {} });
    },
    async flush() { if (buffer.length) await options.transport({ v: 1, sessionId: 'control', seq: seq++, events: buffer.splice(0) }); },
    stop() { if (stopFn) stopFn(); stopFn = null; },
    mask() {}, block() {}, unmask() {},
  };
}
`;

const BUILD = {
  bundle: true,
  format: 'iife',
  globalName: 'Veil',
  platform: 'browser',
  target: 'es2020',
  write: false,
  logLevel: 'silent',
} as const;

let bundlePromise: Promise<string> | undefined;
let controlPromise: Promise<string> | undefined;

const firstOutput = (out: { outputFiles?: { text: string }[] }): string => {
  const file = out.outputFiles?.[0];
  if (!file) throw new Error(`esbuild produced no output for ${entry}`);
  return file.text;
};

/**
 * Builds src/browser.ts as the `<script>` build (IIFE defining `window.Veil`),
 * once per test file, with rrweb patched as the published build has it: the
 * suite tests what ships.
 */
export function bundle(): Promise<string> {
  bundlePromise ??= build({ ...BUILD, entryPoints: [entry], plugins: [patchRrweb()] }).then(firstOutput);
  return bundlePromise;
}

let explainPromise: Promise<string> | undefined;

/** src/explain as a script defining `window.VeilExplain`, evaluated in each page once recording stopped. */
function explainScript(): Promise<string> {
  explainPromise ??= build({ ...BUILD, globalName: 'VeilExplain', entryPoints: [path.join(coreDir, 'src', 'explain', 'index.ts')] }).then(
    firstOutput,
  );
  return explainPromise;
}

/** The script the leak scenarios load: the core, or the unmasked rrweb control. */
function recorderScript(): Promise<string> {
  if (!CONTROL) return bundle();
  controlPromise ??= build({
    ...BUILD,
    stdin: { contents: CONTROL_ENTRY, resolveDir: coreDir, loader: 'js', sourcefile: 'control.js' },
  }).then(firstOutput);
  return controlPromise;
}

// ---------------------------------------------------------------------------
// Browser

let browserPromise: Promise<Browser> | undefined;

function browser(): Promise<Browser> {
  browserPromise ??= launchChromium();
  return browserPromise;
}

let hooksRegistered = false;

/** Registers the file-level hooks (once): build the bundle and launch Chromium before, close it after. */
export function useBrowser(): void {
  if (hooksRegistered) return;
  hooksRegistered = true;
  beforeAll(async () => {
    await Promise.all([recorderScript(), browser()]);
  });
  afterAll(async () => {
    if (browserPromise) await (await browserPromise).close();
    browserPromise = undefined;
  });
}

// A small pool: at most this many pages record at once (2 cores).
const POOL = Math.max(1, Number(process.env.VEIL_LEAK_JOBS ?? 3));
let active = 0;
const waiting: Array<() => void> = [];
async function withSlot<T>(fn: () => Promise<T>): Promise<T> {
  if (active >= POOL) await new Promise<void>((resolve) => waiting.push(resolve));
  else active++;
  try {
    return await fn();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else active--;
  }
}

// ---------------------------------------------------------------------------
// Serving a scenario

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};
// A 1x1 transparent PNG, for images the scenarios reference.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

function pageHtml(s: Scenario): string {
  return (
    '<!doctype html><html><head><meta charset="utf-8"><title>Veil leak test</title>' +
    `<script src="/__veil.js"></script>${s.head ?? ''}</head><body>${s.html}</body></html>`
  );
}

async function serve(s: Scenario, js: string): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const ext = path.extname(url.pathname);
    const send = (status: number, type: string, body: string | Buffer) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (url.pathname === '/__veil.js') return send(200, 'text/javascript', js);
    const file = s.files?.[url.pathname];
    if (file !== undefined) return send(200, CONTENT_TYPES[ext] ?? 'text/html; charset=utf-8', file);
    if (ext === '.png') return send(200, 'image/png', PNG);
    if (ext === '.css') return send(200, 'text/css', 'body { margin: 8px; }');
    if (ext === '.js') return send(200, 'text/javascript', '');
    if (ext && ext !== '.html') return send(404, 'text/plain', 'not found');
    return send(200, 'text/html; charset=utf-8', pageHtml(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

// ---------------------------------------------------------------------------
// In-page recorder control

interface VeilTestState {
  recorder: any;
  batches: string[];
  errors: string[];
  /** Selectors the steps gave recorder.mask(), block() and unmask(). */
  runtime: { mask: string[]; block: string[]; unmask: string[] };
}

declare global {
  interface Window {
    Veil: any;
    __veil: VeilTestState;
  }
}

/** Runs in the page: create the recorder under test with a function transport, and start it. */
function startInPage(arg: { mode: Mode; options: ScenarioOptions }): void {
  const state: VeilTestState = { recorder: null, batches: [], errors: [], runtime: { mask: [], block: [], unmask: [] } };
  window.__veil = state;
  if (!window.Veil || typeof window.Veil.createRecorder !== 'function') {
    throw new Error('window.Veil.createRecorder is missing: the IIFE bundle did not load');
  }
  state.recorder = window.Veil.createRecorder({
    ...arg.options,
    privacy: arg.mode,
    transport: (batch: unknown) => {
      state.batches.push(JSON.stringify(batch));
    },
    onError: (error: unknown) => {
      state.errors.push(String((error as Error)?.stack ?? error));
    },
  });
  // selectors added at run time decide too: the explanation is asked with them (explained.ts)
  for (const kind of ['mask', 'block', 'unmask'] as const) {
    const add = state.recorder[kind];
    if (typeof add !== 'function') continue;
    state.recorder[kind] = (target: unknown) => {
      // an element gets a data-veil attribute, which the explanation reads on the page
      if (typeof target === 'string') state.runtime[kind].push(target);
      return add.call(state.recorder, target);
    };
  }
  state.recorder.start();
}

/** Runs in the page: flush, stop, and return everything the transport received. */
async function stopInPage(): Promise<{ batches: string[]; errors: string[] }> {
  const state = window.__veil;
  await state.recorder.flush();
  state.recorder.stop();
  // a transport may be handed a last batch on stop; give it a moment
  await new Promise((resolve) => setTimeout(resolve, 50));
  return { batches: state.batches.slice(), errors: state.errors.slice() };
}

/** Two animation frames and a short timeout: lets the first snapshot and observers settle. */
export async function settle(page: Page, ms = 30): Promise<void> {
  await page.evaluate(
    (ms) => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, ms)))),
    ms,
  );
}

/** A recording that takes longer than this (page work only, not the wait for a pool slot) fails. */
const RUN_TIMEOUT = 60_000;

/** Records one scenario in one mode and returns what reached the transport. */
export function record(s: Scenario, mode: Mode): Promise<Recording> {
  return withSlot(async () => {
    const [js, b] = await Promise.all([recorderScript(), browser()]);
    const server = await serve(s, js);
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const context = await b.newContext();
    const pageErrors: string[] = [];
    // closing the context makes whatever the page is awaiting (e.g. a flush that never resolves) reject
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      void context.close().catch(() => {});
    }, RUN_TIMEOUT);
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      page.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message}`));
      const t: number[] = [Date.now()];
      await page.goto(base + (s.path ?? '/'));
      t.push(Date.now());
      if (s.before) await s.before(page);
      await page.evaluate(startInPage, { mode, options: s.options ?? {} });
      t.push(Date.now());
      await settle(page);
      t.push(Date.now());
      if (s.steps) await s.steps(page);
      t.push(Date.now());
      await page.waitForTimeout(s.settle ?? 300);
      t.push(Date.now());
      const out = await page.evaluate(stopInPage);
      t.push(Date.now());
      let probes: Probe[] = [];
      if (!CONTROL) {
        // the build is strict code, whose top-level `var` stays inside eval: hand it over explicitly
        await page.evaluate((js) => (0, eval)(`${js};window.VeilExplain = VeilExplain;`), await explainScript());
        probes = await page.evaluate(probePage, { mode, options: (s.options ?? {}) as Record<string, unknown> });
      }
      // VEIL_LEAK_TIMING=1: per-run phase durations (goto, start, settle, steps, wait, stop) in ms
      if (process.env.VEIL_LEAK_TIMING)
        console.log(
          `timing ${s.name} [${mode}]`,
          t
            .slice(1)
            .map((x, i) => x - t[i])
            .join(' '),
        );
      const batches = out.batches.map((t) => JSON.parse(t) as Batch);
      const events = batches.flatMap((bt) => (Array.isArray(bt?.events) ? bt.events : []));
      return {
        text: out.batches.join('\n'),
        strings: collectStrings(batches).join('\n'),
        replayed: replayedText(events),
        batches,
        events,
        errors: [...out.errors, ...pageErrors],
        probes,
      };
    } catch (e) {
      if (timedOut) throw new Error(`recording took longer than ${RUN_TIMEOUT} ms (did flush() or a step hang?)`, { cause: e });
      throw e;
    } finally {
      clearTimeout(timer);
      await context.close().catch(() => {});
      await new Promise((resolve) => server.close(resolve));
    }
  });
}

// ---------------------------------------------------------------------------
// Leak detection

function collectStrings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) collectStrings(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      collectStrings(v, out);
    }
  }
  return out;
}

/** Whitespace (including NBSP) and dashes removed, case folded. */
export const normalize = (s: string): string => s.replace(/[\s\-\u2010-\u2015\u2212]/g, '').toLowerCase();
const SEPARATORS = '[\\s\\-\\u2010-\\u2015\\u2212]*';

/** Base64 forms of `c` as it would appear inside a longer base64 text, for each 3-byte alignment. */
function base64Forms(c: string): string[] {
  const bytes = Buffer.from(c, 'utf8');
  const forms: string[] = [];
  for (let k = 0; k < 3; k++) {
    const tail = bytes.subarray(k);
    const whole = tail.length - (tail.length % 3);
    if (whole < 9) continue;
    const b64 = tail.subarray(0, whole).toString('base64');
    forms.push(b64, b64.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return forms;
}

function hashForms(c: string): string[] {
  const out: string[] = [];
  for (const v of new Set([c, normalize(c), c.replace(/[\s-]/g, '')])) {
    for (const alg of ['md5', 'sha1', 'sha256']) {
      out.push(createHash(alg).update(v).digest('hex'));
      out.push(createHash(alg).update(v).digest('base64').replace(/=+$/, ''));
    }
  }
  return out;
}

/** A number of 12 digits or more written with separators: card numbers, account numbers. */
const NUMBER = /^(?=(?:\D*\d){12})[\d\s\-./]+$/;

/** Share of a value (normalized, from its start) whose presence counts as a leak of the value. */
const PREFIX_SHARE = 0.75;

/** Random-looking tokens (letters and digits, no spaces) are also searched for as 7-character fragments. */
const FRAGMENT_LEN = 7;
function fragments(c: string): string[] {
  if (!/^[A-Za-z0-9]{10,}$/.test(c) || !/[A-Za-z]/.test(c) || !/\d/.test(c)) return [];
  const out: string[] = [];
  for (let i = 0; i + FRAGMENT_LEN <= c.length; i++) out.push(c.slice(i, i + FRAGMENT_LEN));
  return out;
}

export interface Leak {
  canary: string;
  form: string;
  /** Some transported text around the first hit. */
  context: string;
}

function around(text: string, at: number, len: number): string {
  return text.slice(Math.max(0, at - 120), Math.min(text.length, at + len + 120));
}

/**
 * Every canary found in a recording, in any of the forms a leak could take.
 * `related`: the scenario's other planted strings; a fragment shared with one
 * of them is not evidence (canaries of one scenario often share a prefix).
 */
export function findLeaks(
  rec: Pick<Recording, 'text' | 'strings'> & { replayed?: string },
  canaries: readonly string[],
  related: readonly string[] = [],
  publicText = '',
): Leak[] {
  const leaks: Leak[] = [];
  const raw = rec.text;
  const rawLower = raw.toLowerCase();
  const normText = normalize(raw);
  const normStrings = normalize(rec.strings);
  const replayed = rec.replayed ?? '';
  const normReplayed = normalize(replayed);
  // a number is still that number with dots, slashes or anything else between its digits
  let digitsOfStrings: string | undefined;
  let digitsOfReplayed: string | undefined;
  for (const c of canaries) {
    const hit = (form: string, haystack: string, needle: string): boolean => {
      if (!needle) return false;
      const at = haystack.indexOf(needle);
      if (at < 0) return false;
      let context = around(haystack, at, needle.length);
      if (haystack !== raw && haystack !== rec.strings) {
        // found in a normalized form: show the raw text around it when it can be located
        const loose = new RegExp([...needle].map((ch) => ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join(SEPARATORS), 'i');
        const m = loose.exec(raw);
        if (m) context = around(raw, m.index, m[0].length);
      }
      leaks.push({ canary: c, form, context });
      return true;
    };
    const nc = normalize(c);
    const found =
      hit('raw', raw, c) ||
      hit('decoded string', rec.strings, c) ||
      hit('JSON-escaped', raw, JSON.stringify(c).slice(1, -1)) ||
      hit('URL-encoded', raw, encodeURIComponent(c)) ||
      hit('form-encoded', raw, encodeURIComponent(c).replace(/%20/g, '+')) ||
      hit('without whitespace/dashes, any case', normText, nc) ||
      hit('decoded, without whitespace/dashes, any case', normStrings, nc) ||
      hit('on the replayed page', replayed, c) ||
      hit('on the replayed page, without whitespace/dashes, any case', normReplayed, nc) ||
      (NUMBER.test(c) &&
        (hit('its digits, whatever separates them', (digitsOfStrings ??= rec.strings.replace(/\D/g, '')), c.replace(/\D/g, '')) ||
          hit(
            'its digits on the replayed page, whatever separates them',
            (digitsOfReplayed ??= replayed.replace(/\D/g, '')),
            c.replace(/\D/g, ''),
          ))) ||
      hit('reversed', rawLower, [...c].reverse().join('').toLowerCase()) ||
      hit('hex', rawLower, Buffer.from(c, 'utf8').toString('hex')) ||
      base64Forms(c).some((f) => hit('base64', raw, f)) ||
      hashForms(c).some((f) => (/^[0-9a-f]+$/.test(f) ? hit('hash (hex)', rawLower, f) : hit('hash (base64)', raw, f)));
    if (found) continue;
    const others = [...canaries, ...related].filter((o) => o !== c);
    // nor is one the page shows anyway, outside its secrets ("ustomer" of class="customer-name")
    const normPublic = normalize(publicText);
    const unshared = (f: string) => !others.some((o) => normalize(o).includes(normalize(f))) && !normPublic.includes(normalize(f));
    // Most of the value, e.g. what a field held one keystroke before it
    // became a recognisable card number or e-mail address.
    const prefix = nc.slice(0, Math.ceil(nc.length * PREFIX_SHARE));
    if (
      nc.length >= 10 &&
      unshared(prefix) &&
      (hit(`prefix "${prefix}"`, normText, prefix) ||
        hit(`prefix "${prefix}"`, normStrings, prefix) ||
        hit(`prefix "${prefix}" on the replayed page`, normReplayed, prefix))
    ) {
      continue;
    }
    fragments(c)
      .filter(unshared)
      .some((f) => hit(`fragment "${f}"`, raw, f));
  }
  return leaks;
}

/** Whether `text` is somewhere in what reached the transport (as a decoded string). */
export function recorded(rec: Pick<Recording, 'text' | 'strings'>, text: string): boolean {
  return rec.strings.includes(text) || rec.text.includes(text);
}

export function describeLeaks(leaks: Leak[]): string {
  return leaks.map((l) => `  ${l.canary} leaked (${l.form}) in: …${l.context}…`).join('\n');
}

// ---------------------------------------------------------------------------
// Reading rrweb-format events

/** Serialized nodes (full snapshot and added nodes) whose attributes match. */
export function findNodes(events: RecordedEvent[], match: (attrs: Record<string, unknown>, node: any) => boolean): any[] {
  const out: any[] = [];
  const walk = (v: any): void => {
    if (Array.isArray(v)) {
      for (const x of v) walk(x);
      return;
    }
    if (!v || typeof v !== 'object') return;
    if (typeof v.id === 'number' && typeof v.tagName === 'string' && v.attributes && match(v.attributes, v)) out.push(v);
    for (const x of Object.values(v)) walk(x);
  };
  walk(events);
  return out;
}

/** Every value recorded for the control with the given `id` attribute: snapshot value, input events, value mutations. */
export function recordedValues(events: RecordedEvent[], elementId: string): string[] {
  const nodes = findNodes(events, (a) => a.id === elementId);
  const ids = new Set(nodes.map((n) => n.id as number));
  const values: string[] = [];
  for (const n of nodes) if (typeof n.attributes.value === 'string') values.push(n.attributes.value);
  for (const e of events) {
    if (e.type !== EventType.IncrementalSnapshot || !e.data) continue;
    if (e.data.source === IncrementalSource.Input && ids.has(e.data.id) && typeof e.data.text === 'string') values.push(e.data.text);
    if (e.data.source === IncrementalSource.Mutation && Array.isArray(e.data.attributes)) {
      for (const m of e.data.attributes) {
        if (ids.has(m.id) && typeof m.attributes?.value === 'string') values.push(m.attributes.value);
      }
    }
  }
  return values;
}

/**
 * Asserts that every recorded value of a masked control is a placeholder: at most
 * as long as the real value, and made of one repeated character (spaces aside)
 * that does not occur in the real value.
 */
export function expectPlaceholders(expect: ExpectStatic, values: string[], real: string): void {
  for (const v of values) {
    expect(v.length, `placeholder "${v}" is longer than the value it hides`).toBeLessThanOrEqual(real.length);
    const chars = new Set(v.replace(/\s/g, ''));
    expect(chars.size, `placeholder "${v}" is not one repeated character`).toBeLessThanOrEqual(1);
    for (const ch of chars) expect(real.includes(ch), `placeholder "${v}" reuses a character of the value`).toBe(false);
  }
}

// ---------------------------------------------------------------------------
// Running scenarios

/** Asserts the contract for one recording of one scenario in one mode. */
export function expectRecording(expect: ExpectStatic, rec: Recording, s: Scenario, mode: Mode): void {
  expect(rec.errors, 'the recorder or the page reported errors').toEqual([]);
  expect(
    rec.events.some((e) => e.type === EventType.FullSnapshot),
    'no full snapshot reached the transport',
  ).toBe(true);
  const forbidden = [...(s.canaries ?? []), ...(s.mustNotRecord?.[mode] ?? [])];
  const related = [...Object.values(s.mustNotRecord ?? {}).flat(), ...Object.values(s.mustRecord ?? {}).flat()];
  let publicText = `${s.head ?? ''}\n${s.html}`;
  for (const c of [...forbidden, ...related]) publicText = publicText.split(c).join('\n');
  const leaks = findLeaks(rec, forbidden, related, publicText);
  expect(leaks.length, `leaked in ${mode} mode:\n${describeLeaks(leaks)}`).toBe(0);
  const missing = (s.mustRecord?.[mode] ?? []).filter((t) => !recorded(rec, t));
  expect(missing, `must be recorded in ${mode} mode but is missing`).toEqual([]);
  s.check?.(rec, mode, expect);
  expect(disagreements(rec.probes, rec.events, rec.strings), `the explanation disagrees with what was recorded in ${mode} mode`).toEqual(
    [],
  );
}

const TEST_TIMEOUT = 15 * 60_000;

/**
 * Declares one `it` per scenario and mode, grouped as channel > group > scenario > mode.
 * Everything runs concurrently; the page pool bounds how many pages record at once.
 */
export function runScenarios(channel: string, groups: Record<string, Scenario[]>): void {
  useBrowser();
  if (CONTROL) return runControls(channel, groups);
  describe.concurrent(channel, () => {
    for (const [group, scenarios] of Object.entries(groups)) {
      describe(group, () => {
        for (const s of scenarios) {
          describe(s.name, () => {
            for (const mode of s.modes ?? MODES) {
              // the page work is bounded by RUN_TIMEOUT; this also covers the wait for a pool slot
              it(mode, { timeout: TEST_TIMEOUT }, async ({ expect }) => {
                const rec = await record(s, mode);
                expectRecording(expect, rec, s, mode);
              });
            }
          });
        }
      });
    }
  });
}

/** VEIL_LEAK_CONTROL=1: every planted value must reach an unmasked recorder. */
function runControls(channel: string, groups: Record<string, Scenario[]>): void {
  describe.concurrent(`${channel} (control: unmasked rrweb sees every canary)`, () => {
    for (const [group, scenarios] of Object.entries(groups)) {
      describe(group, () => {
        for (const s of scenarios) {
          const planted = [...new Set([...(s.canaries ?? []), ...Object.values(s.mustNotRecord ?? {}).flat()])].filter(
            (c) => !s.unreachable?.canaries.includes(c),
          );
          it(s.name, { timeout: TEST_TIMEOUT }, async ({ expect }) => {
            const rec = await record(s, 'relaxed');
            expect(
              rec.events.some((e) => e.type === EventType.FullSnapshot),
              'no full snapshot',
            ).toBe(true);
            const seen = new Set(findLeaks(rec, planted).map((l) => l.canary));
            expect(
              planted.filter((c) => !seen.has(c)),
              'canaries an unmasked recorder never saw',
            ).toEqual([]);
          });
        }
      });
    }
  });
}

// ---------------------------------------------------------------------------
// Step helpers

/** Clicks a field and types into it like a user. */
export const typeInto =
  (selector: string, text: string) =>
  async (page: Page): Promise<void> => {
    await page.click(selector);
    await page.keyboard.type(text);
  };

/** Clicks a field inside an iframe and types into it. */
export const typeInFrame =
  (frame: string, selector: string, text: string) =>
  async (page: Page): Promise<void> => {
    await page.frameLocator(frame).locator(selector).click();
    await page.keyboard.type(text);
  };

/** Runs the steps one after the other. */
export const seq =
  (...steps: Array<(page: Page) => Promise<unknown>>) =>
  async (page: Page): Promise<void> => {
    for (const step of steps) await step(page);
  };

/** A same-origin frame's page around `body`, served through a scenario's `files`. */
export const FRAME = (body: string): string => `<!doctype html><html><head><meta charset="utf-8"></head><body>${body}</body></html>`;

/** Waits until the iframe matching `selector` has loaded a document whose body contains `text`. */
export const frameLoaded =
  (selector: string, text: string) =>
  async (page: Page): Promise<void> => {
    await page.waitForFunction(
      ({ selector, text }) => {
        const f = document.querySelector(selector) as HTMLIFrameElement | null;
        const doc = f?.contentDocument;
        return !!doc && doc.readyState === 'complete' && !!doc.body && (doc.body.textContent ?? '').includes(text);
      },
      { selector, text },
    );
    await settle(page);
  };
