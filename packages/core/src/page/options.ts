import { maskPersonalData } from '../engine/detect';
import { DEFAULT_PRIVACY_MODE, PRIVACY_MODES, isPrivacyMode, type PrivacyMode } from '../engine/vocabulary';
import type { Transport, TransportFunction, UrlTransportOptions } from '../transport/types';
import type { RecorderOptions } from './types';

export interface ResolvedOptions {
  privacy: PrivacyMode;
  mask: string[];
  block: string[];
  unmask: string[];
  recordInputs: boolean;
  transport: TransportFunction | Transport | UrlTransportOptions;
  requireConsent: boolean;
  respectGlobalPrivacyControl: boolean;
  onError: ((error: unknown) => void) | undefined;
  flushInterval: number;
  maxBatchEvents: number;
  sampleRate: number;
  checkoutInterval: number;
  sessionTimeout: number;
  visitorId: string | undefined;
}

const ACCEPTED: Record<keyof RecorderOptions, string> = {
  privacy: `one of ${PRIVACY_MODES.map((mode) => `'${mode}'`).join(', ')}`,
  mask: 'an array of CSS selectors',
  block: 'an array of CSS selectors',
  unmask: 'an array of CSS selectors',
  recordInputs: 'true or false',
  transport:
    "a function, an object with a send(batch) method, an http(s) URL or a path on the page's own site ('/api/veil'), or { url, headers?, siteKey? }",
  requireConsent: 'true or false',
  respectGlobalPrivacyControl: 'true or false',
  onError: 'a function',
  flushInterval: 'a number of milliseconds, at least 100',
  maxBatchEvents: 'a whole number, at least 1',
  sampleRate: 'a number from 0 to 1',
  checkoutInterval: 'a number of milliseconds, 0 (off) or at least 1000',
  sessionTimeout: 'a number of milliseconds, at least 1000',
  visitorId: 'an opaque id string of 1 to 128 characters (not an e-mail or other personal data)',
};
const OPTION_NAMES = Object.keys(ACCEPTED) as (keyof RecorderOptions)[];

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

/** An options mistake: the message names the option and what it accepts. */
export function optionError(name: string, value: unknown, detail?: string): Error {
  const accepted = ACCEPTED[name as keyof RecorderOptions];
  return new Error(`[veil] Invalid option "${name}": expected ${accepted}; got ${describe(value)}${detail ? ` (${detail})` : ''}.`);
}

/** Throws when `selector` is not valid CSS; checked against a real parser when a DOM is present. */
export function checkSelector(name: string, selector: unknown): string {
  if (typeof selector !== 'string' || !selector.trim())
    throw optionError(name, selector, 'each entry must be a non-empty CSS selector string');
  if (typeof document !== 'undefined') {
    try {
      document.createDocumentFragment().querySelector(selector);
    } catch {
      throw optionError(name, selector, 'not a valid CSS selector');
    }
  }
  return selector;
}

function selectorList(name: 'mask' | 'block' | 'unmask', value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw optionError(name, value);
  return value.map((s) => checkSelector(name, s));
}

/**
 * An absolute http(s) URL, or a path on the page's own site: a same-origin
 * proxy route ('/api/veil') is how Next.js and Nuxt apps avoid ad blockers and
 * third-party cookies. A path is resolved against the page's location when
 * recording starts; on a server, where nothing records, it only has to look
 * like one. A bare 'collector.example.com/v1' is neither, and refused.
 */
function checkUrl(value: unknown): string {
  let url: URL | undefined;
  try {
    // any http(s) base will do to check the shape of a path
    url = new URL(String(value), typeof value === 'string' && value.startsWith('/') ? 'https://site.invalid/' : undefined);
  } catch {
    url = undefined;
  }
  if (typeof value !== 'string' || !url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw optionError('transport', value, "not an http(s) URL, nor a path starting with '/'");
  }
  return value;
}

function resolveTransport(value: unknown): ResolvedOptions['transport'] {
  if (typeof value === 'function') return value as TransportFunction;
  if (typeof value === 'string') return { url: checkUrl(value) };
  if (typeof value === 'object' && value !== null) {
    const t = value as Partial<Transport & UrlTransportOptions>;
    if (typeof t.send === 'function') return t as Transport;
    if ('url' in t) {
      checkUrl(t.url);
      if (t.siteKey !== undefined && (typeof t.siteKey !== 'string' || !t.siteKey))
        throw optionError('transport', t.siteKey, 'siteKey must be a non-empty string');
      if (
        t.headers !== undefined &&
        (typeof t.headers !== 'object' || t.headers === null || Object.values(t.headers).some((h) => typeof h !== 'string'))
      ) {
        throw optionError('transport', t.headers, 'headers must map names to strings');
      }
      if (t.maxQueueBytes !== undefined && !(typeof t.maxQueueBytes === 'number' && t.maxQueueBytes >= 1024)) {
        throw optionError('transport', t.maxQueueBytes, 'maxQueueBytes must be a number of bytes, at least 1024');
      }
      if (t.settings !== undefined && t.settings !== false) checkUrl(t.settings);
      return t as UrlTransportOptions;
    }
  }
  throw optionError('transport', value, value === undefined ? 'it is required: where should recordings go?' : undefined);
}

/** A number option, `fallback` when left out; `fits` says whether a number is accepted (NaN never is). */
function num(o: Record<string, unknown>, name: keyof RecorderOptions, fallback: number, fits: (n: number) => boolean): number {
  const value = o[name] ?? fallback;
  if (typeof value !== 'number' || !fits(value)) throw optionError(name, value);
  return value;
}

function bool(name: keyof RecorderOptions, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw optionError(name, value);
  return value;
}

/** Checks `input` and fills in defaults. Throws an Error naming the first bad option. */
/** The options that decide what is recorded, checked; the others are ignored. */
export function resolvePrivacyOptions(
  o: Record<string, unknown>,
): Pick<ResolvedOptions, 'privacy' | 'mask' | 'block' | 'unmask' | 'recordInputs'> {
  const privacy = o.privacy ?? DEFAULT_PRIVACY_MODE;
  if (!isPrivacyMode(privacy)) throw optionError('privacy', privacy);
  return {
    privacy,
    mask: selectorList('mask', o.mask),
    block: selectorList('block', o.block),
    unmask: selectorList('unmask', o.unmask),
    recordInputs: bool('recordInputs', o.recordInputs, true),
  };
}

export function resolveOptions(input: unknown): ResolvedOptions {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new Error(`[veil] createRecorder(options) expects an options object with at least a transport; got ${describe(input)}.`);
  }
  const o = input as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!(OPTION_NAMES as string[]).includes(key)) {
      throw new Error(`[veil] Unknown option "${key}". Accepted options: ${OPTION_NAMES.join(', ')}.`);
    }
  }
  const { privacy, mask, block, unmask, recordInputs } = resolvePrivacyOptions(o);

  const transport = resolveTransport(o.transport);
  if (o.onError !== undefined && typeof o.onError !== 'function') throw optionError('onError', o.onError);
  const flushInterval = num(o, 'flushInterval', 5000, (n) => n >= 100 && n < Infinity);
  const maxBatchEvents = num(o, 'maxBatchEvents', 500, (n) => Number.isInteger(n) && n >= 1);
  const sampleRate = num(o, 'sampleRate', 1, (n) => n >= 0 && n <= 1);
  const checkoutInterval = num(o, 'checkoutInterval', 300_000, (n) => n === 0 || (n >= 1000 && n < Infinity));
  const sessionTimeout = num(o, 'sessionTimeout', 1_800_000, (n) => n >= 1000 && n < Infinity);

  const visitorId = o.visitorId;
  if (visitorId !== undefined && (typeof visitorId !== 'string' || !visitorId || visitorId.length > 128))
    throw optionError('visitorId', visitorId);
  // the id leaves the page with every batch, unscrubbed: it must not be the personal data it stands for
  if (typeof visitorId === 'string' && maskPersonalData(visitorId) !== visitorId)
    throw optionError('visitorId', '(withheld)', 'it looks like personal data');

  return {
    privacy,
    mask,
    block,
    unmask,
    recordInputs,
    transport: transport as ResolvedOptions['transport'],
    requireConsent: bool('requireConsent', o.requireConsent, false),
    respectGlobalPrivacyControl: bool('respectGlobalPrivacyControl', o.respectGlobalPrivacyControl, true),
    onError: o.onError as ResolvedOptions['onError'],
    flushInterval,
    maxBatchEvents,
    sampleRate,
    checkoutInterval,
    sessionTimeout,
    visitorId,
  };
}
