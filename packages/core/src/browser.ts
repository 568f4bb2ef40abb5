// Entry of the <script> build (dist/index.global.js, globalThis.Veil). Unlike
// the module build it may act on load: it starts remembering password fields
// at once, so a field toggled to plain text before any recorder exists is
// still known as a password.
//
// It also offers the X-ray without carrying it: Veil.xray(recorder) loads
// dist/xray.global.js, the overlay's own script, beside this one.
import { rememberPasswordFields } from './page/passwords';
import { createRecorder as createCoreRecorder } from './page/recorder';
import type { MarkTarget, Recorder, RecorderEnvironment, RecorderOptions } from './page/types';
import type { ExplainOptions } from './explain/index';
import type { Xray } from './xray/index';

export * from './index';

/** The options each recorder decides with: what the X-ray shows for it. */
const privacyOf = new WeakMap<Recorder, Required<ExplainOptions>>();

/** This script's own tag, known only while it first runs. */
const ownScript = typeof document !== 'undefined' ? (document.currentScript as HTMLScriptElement | null) : null;
/** Where dist/xray.global.js is: the tag's `data-veil-xray` value, or beside this script. */
const xrayScriptUrl = (() => {
  const given = ownScript?.getAttribute('data-veil-xray');
  if (given) return given;
  return ownScript?.src ? new URL('xray.global.js', ownScript.src).href : null;
})();

/**
 * `?veil-xray` in the page's URL shows the X-ray only where the page opted in
 * with a `data-veil-xray` attribute on this script's tag: anyone can add a
 * query to a production URL, and the site, not the visitor, decides whether
 * its pages load a development tool.
 */
const xrayByQuery =
  ownScript?.hasAttribute('data-veil-xray') === true &&
  typeof location !== 'undefined' &&
  new URLSearchParams(location.search).has('veil-xray');
let xrayShownForQuery = false;

export function createRecorder(options: RecorderOptions, environment?: RecorderEnvironment): Recorder {
  const recorder = createCoreRecorder(options, environment);
  const privacy: Required<ExplainOptions> = {
    privacy: options.privacy ?? 'strict',
    mask: [...(options.mask ?? [])],
    block: [...(options.block ?? [])],
    unmask: [...(options.unmask ?? [])],
    recordInputs: options.recordInputs ?? true,
  };
  privacyOf.set(recorder, privacy);
  // selectors added at run time count for an X-ray opened later (elements carry their data-veil)
  for (const kind of ['mask', 'block', 'unmask'] as const) {
    const original = recorder[kind];
    recorder[kind] = (target: MarkTarget) => {
      original(target);
      if (typeof target === 'string') privacy[kind].push(target);
    };
  }
  if (xrayByQuery && !xrayShownForQuery) {
    xrayShownForQuery = true;
    xray(recorder).catch((error: unknown) => console.warn('[veil]', (error as Error).message));
  }
  return recorder;
}

let loading: Promise<(options: ExplainOptions) => Xray> | null = null;

function loadXray(): Promise<(options: ExplainOptions) => Xray> {
  const loaded = (globalThis as { VeilXray?: { xray(options: ExplainOptions): Xray } }).VeilXray;
  if (loaded) return Promise.resolve(loaded.xray);
  if (!xrayScriptUrl) {
    return Promise.reject(
      new Error(
        '[veil] Veil.xray() could not tell where xray.global.js is: add <script src=".../xray.global.js"></script> to the page before calling it, or give its URL in data-veil-xray on the Veil script tag.',
      ),
    );
  }
  loading ??= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = xrayScriptUrl;
    script.onload = () => {
      const api = (globalThis as { VeilXray?: { xray(options: ExplainOptions): Xray } }).VeilXray;
      if (api) resolve(api.xray);
      else reject(new Error(`[veil] ${xrayScriptUrl} loaded but defined no VeilXray: is it @veil/core's dist/xray.global.js?`));
    };
    script.onerror = () => {
      loading = null;
      reject(
        new Error(
          `[veil] Veil.xray() could not load ${xrayScriptUrl}: serve @veil/core's dist/xray.global.js there, or give its URL in data-veil-xray on the Veil script tag.`,
        ),
      );
    };
    document.head.appendChild(script);
  });
  return loading;
}

/**
 * Draws the X-ray (what is recorded, outlined over the page) for a recorder
 * made by this script, with its privacy mode and selectors, or for the
 * options given. Loads `xray.global.js` from beside this script the first
 * time: the recorder's script never carries it. For development.
 *
 * @example
 * const recorder = Veil.createRecorder({ privacy: 'balanced', transport: '/v1/ingest' });
 * const overlay = await Veil.xray(recorder);
 */
export async function xray(target: Recorder | ExplainOptions = {}): Promise<Xray> {
  if (typeof document === 'undefined') throw new Error('[veil] Veil.xray() draws over a page: call it in the browser.');
  const isRecorder = typeof (target as Recorder).start === 'function' && typeof (target as Recorder).subscribe === 'function';
  const known = isRecorder ? privacyOf.get(target as Recorder) : undefined;
  if (isRecorder && !known)
    throw new Error(
      '[veil] Veil.xray(recorder) knows only recorders made by Veil.createRecorder() of this script: pass their options instead, Veil.xray({ privacy, mask, block, unmask }).',
    );
  const options = known
    ? { ...known, mask: [...known.mask], block: [...known.block], unmask: [...known.unmask] }
    : (target as ExplainOptions);
  const draw = await loadXray();
  return draw(options);
}

rememberPasswordFields();
