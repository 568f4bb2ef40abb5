// Playwright helpers: record a page with the real recorder (the core's
// <script> build, what a site ships) and read what it would send; list every
// form field with what Veil does to it and why.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Explanation, ExplainOptions } from '@veil/core/explain';
import type { RecorderOptions } from '@veil/core';
import { findLeaks, type Secrets } from './leaks';
import { replayedText, type RecordedEvent } from './replayed';

/**
 * The part of a Playwright `Page` (from `playwright`, `@playwright/test` or
 * `playwright-core`) these helpers use.
 */
export interface PageLike {
  evaluate<R, A>(pageFunction: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
}

let scripts: { recorder: string; explain: string } | undefined;

/** The core's <script> builds, read from the installed @veil/core. */
function coreScripts(): { recorder: string; explain: string } {
  if (!scripts) {
    const require = createRequire(import.meta.url);
    const dist = path.join(path.dirname(require.resolve('@veil/core/package.json')), 'dist');
    const read = (file: string) => {
      try {
        return readFileSync(path.join(dist, file), 'utf8');
      } catch {
        throw new Error(
          `[veil] @veil/testing needs ${file} from @veil/core, not found in ${dist}: install @veil/core (or build it, in its repository).`,
        );
      }
    };
    scripts = { recorder: read('index.global.js'), explain: read('explain.global.js') };
  }
  return scripts;
}

/** Runs a <script> build in the page, at its top level, and keeps its global. */
async function load(page: PageLike, script: string, global: string): Promise<void> {
  // The builds are strict code, whose top-level `var` stays inside eval: it is
  // handed over explicitly, on a line of its own (the build ends in a comment).
  await page.evaluate(
    ({ script, global }) => {
      if ((window as any)[global]) return;
      (0, eval)(`${script}\n;window.${global} = ${global};`);
    },
    { script, global },
  );
}

/** What the recorder sent so far. */
export interface SentRecording {
  /** Every batch, as the transport received it. */
  batches: { v: number; sessionId: string; seq: number; events: RecordedEvent[] }[];
  /** Their events in order. */
  events: RecordedEvent[];
  /** The text of the replayed page (replayedText): a value split across elements is whole here. */
  replayed: string;
}

export interface PageRecording {
  /** Sends what is held (values still being typed included) and returns everything sent so far. */
  sent(): Promise<SentRecording>;
  /** Stops recording and returns everything sent. */
  stop(): Promise<SentRecording>;
}

/** Recorder options without a transport: the recording is kept in the page. */
export type RecordPageOptions = Omit<RecorderOptions, 'transport'>;

interface InPage {
  recorder: { start(): void; stop(): void; flush(): Promise<void> } | null;
  batches: string[];
  errors: string[];
}

/**
 * Starts Veil's recorder in `page` (already at the page to test) with
 * `options`, keeping what it would send. The page must not run a recorder
 * of its own: one recording per page at a time.
 *
 * @example
 * const recording = await recordPage(page, { privacy: 'relaxed' });
 * await page.getByLabel('Card number').fill('4242 4242 4242 4242');
 * await expectNoLeak(recording, ['4242 4242 4242 4242']);
 */
export async function recordPage(page: PageLike, options: RecordPageOptions = {}): Promise<PageRecording> {
  if ('transport' in (options as object))
    throw new Error('[veil] recordPage(page, options) keeps the recording in the page: leave "transport" out of its options.');
  await load(page, coreScripts().recorder, 'Veil');
  await page.evaluate(
    (options) => {
      const state: InPage = { recorder: null, batches: [], errors: [] };
      (window as any).__veilTesting = state;
      state.recorder = (window as any).Veil.createRecorder({
        ...options,
        transport: (batch: unknown) => {
          state.batches.push(JSON.stringify(batch));
        },
        onError: (error: unknown) => {
          state.errors.push(String((error as Error)?.message ?? error));
        },
      });
      state.recorder!.start();
    },
    options as Record<string, unknown>,
  );

  const collect = async (stop: boolean): Promise<SentRecording> => {
    const out = await page.evaluate(async (stop) => {
      const state = (window as any).__veilTesting as InPage;
      await state.recorder!.flush();
      if (stop) state.recorder!.stop();
      return { batches: state.batches.slice(), errors: state.errors.slice() };
    }, stop);
    if (out.errors.length) throw new Error(`[veil] the recorder reported errors: ${out.errors.join('; ')}`);
    const batches = out.batches.map((b) => JSON.parse(b) as SentRecording['batches'][number]);
    const events = batches.flatMap((b) => b.events ?? []);
    return { batches, events, replayed: replayedText(events) };
  };
  return { sent: () => collect(false), stop: () => collect(true) };
}

/**
 * Throws, listing every finding, when a secret is anywhere in what the
 * recording sent or in the text its replay shows (findLeaks says how it is
 * searched). Resolves when none is.
 */
export async function expectNoLeak(recording: PageRecording | SentRecording, secrets: Secrets): Promise<void> {
  const sent = 'sent' in recording && typeof recording.sent === 'function' ? await recording.sent() : (recording as SentRecording);
  const leaks = findLeaks(sent.batches, secrets, sent.replayed);
  if (leaks.length)
    throw new Error(`[veil] ${leaks.length === 1 ? 'a secret leaked' : `${leaks.length} secrets leaked`}:\n  - ${leaks.join('\n  - ')}`);
}

/** One form field of the page and what Veil does to its value. */
export interface FieldReport {
  /** `input#email`, `textarea[name="bio"]`, … and, inside a shadow root or frame, the host first (`x-form > input#pin`). */
  field: string;
  /** Its label as a person reads it (label element, aria-label or placeholder), if any. */
  label: string;
  outcome: Explanation['outcome'];
  reason: string;
}

/**
 * Every form field of the page (inputs, text areas, selects, editable
 * regions, through open shadow roots and same-origin frames) with its
 * outcome and reason under `options`. Snapshot it in a test, and a field
 * added without a mark shows up in review.
 */
export async function privacyReport(page: PageLike, options: ExplainOptions = {}): Promise<FieldReport[]> {
  await load(page, coreScripts().explain, 'VeilExplain');
  return page.evaluate(
    (options) => {
      const api = (window as any).VeilExplain;
      const explainer = api.createExplainer(options);
      const rows: FieldReport[] = [];
      const labelOf = (el: HTMLElement): string => {
        const labels = (el as HTMLInputElement).labels;
        // a label's own words: not the options of a select inside it, nor a button's
        const own = (label: HTMLLabelElement) => {
          const copy = label.cloneNode(true) as HTMLElement;
          copy.querySelectorAll('input, select, textarea, button').forEach((control) => control.remove());
          return copy.textContent ?? '';
        };
        const text = labels?.length
          ? Array.from(labels).map(own).join(' ')
          : (el.getAttribute('aria-label') ?? el.getAttribute('placeholder') ?? '');
        return text.replace(/\s+/g, ' ').trim();
      };
      const visit = (root: Document | ShadowRoot, prefix: string) => {
        for (const el of Array.from(root.querySelectorAll<HTMLElement>('*'))) {
          const tag = el.localName;
          // the same definition of a field as the X-ray's counts
          if (api.isFormField(el)) {
            const e = explainer.explain(el);
            rows.push({ field: prefix + api.describeElement(el), label: labelOf(el), outcome: e.outcome, reason: e.reason });
          }
          if (el.shadowRoot) visit(el.shadowRoot, `${prefix}${api.describeElement(el)} > `);
          if (tag === 'iframe') {
            try {
              const doc = (el as HTMLIFrameElement).contentDocument;
              if (doc) visit(doc, `${prefix}${api.describeElement(el)} > `);
            } catch {
              // another origin: never recorded
            }
          }
        }
      };
      visit(document, '');
      return rows;
    },
    options as Record<string, unknown>,
  );
}
