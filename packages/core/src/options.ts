import type { PrivacyMode, RecorderOptions, Transport, TransportFunction } from './types';

export interface ResolvedOptions {
  privacy: PrivacyMode;
  mask: string[];
  block: string[];
  unmask: string[];
  transport: TransportFunction | Transport | string;
  requireConsent: boolean;
  respectGlobalPrivacyControl: boolean;
  onError: ((error: unknown) => void) | undefined;
  flushInterval: number;
  maxBatchEvents: number;
}

const ACCEPTED: Record<keyof RecorderOptions, string> = {
  privacy: `one of 'strict', 'balanced', 'relaxed'`,
  mask: 'an array of CSS selectors',
  block: 'an array of CSS selectors',
  unmask: 'an array of CSS selectors',
  transport: 'a function, an object with a send(batch) method, or an http(s) URL string',
  requireConsent: 'true or false',
  respectGlobalPrivacyControl: 'true or false',
  onError: 'a function',
  flushInterval: 'a number of milliseconds, at least 100',
  maxBatchEvents: 'a whole number, at least 1',
};
const OPTION_NAMES = Object.keys(ACCEPTED) as (keyof RecorderOptions)[];
const MODES: PrivacyMode[] = ['strict', 'balanced', 'relaxed'];

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

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}

/** Throws when `selector` is not valid CSS; checked against a real parser when a DOM is present. */
export function checkSelector(name: string, selector: unknown): string {
  if (typeof selector !== 'string' || !selector.trim()) throw optionError(name, selector, 'each entry must be a non-empty CSS selector string');
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

function bool(name: keyof RecorderOptions, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw optionError(name, value);
  return value;
}

/** Checks `input` and fills in defaults. Throws an Error naming the first bad option. */
export function resolveOptions(input: unknown): ResolvedOptions {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new Error(`[veil] createRecorder(options) expects an options object with at least a transport; got ${describe(input)}.`);
  }
  const o = input as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!(OPTION_NAMES as string[]).includes(key)) {
      const near = OPTION_NAMES.filter((n) => editDistance(n.toLowerCase(), key.toLowerCase()) <= 2);
      throw new Error(
        `[veil] Unknown option "${key}".${near.length ? ` Did you mean "${near[0]}"?` : ''} Accepted options: ${OPTION_NAMES.join(', ')}.`,
      );
    }
  }
  const privacy = o.privacy ?? 'strict';
  if (!MODES.includes(privacy as PrivacyMode)) throw optionError('privacy', privacy);

  const transport = o.transport;
  if (typeof transport === 'string') {
    let url: URL | undefined;
    try {
      url = new URL(transport);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) throw optionError('transport', transport, 'not an absolute http(s) URL');
  } else if (typeof transport !== 'function' && !(typeof transport === 'object' && transport !== null && typeof (transport as Transport).send === 'function')) {
    throw optionError('transport', transport, transport === undefined ? 'it is required: where should recordings go?' : undefined);
  }

  if (o.onError !== undefined && typeof o.onError !== 'function') throw optionError('onError', o.onError);
  const flushInterval = o.flushInterval ?? 5000;
  if (typeof flushInterval !== 'number' || !Number.isFinite(flushInterval) || flushInterval < 100) throw optionError('flushInterval', flushInterval);
  const maxBatchEvents = o.maxBatchEvents ?? 500;
  if (typeof maxBatchEvents !== 'number' || !Number.isInteger(maxBatchEvents) || maxBatchEvents < 1) throw optionError('maxBatchEvents', maxBatchEvents);

  return {
    privacy: privacy as PrivacyMode,
    mask: selectorList('mask', o.mask),
    block: selectorList('block', o.block),
    unmask: selectorList('unmask', o.unmask),
    transport: transport as ResolvedOptions['transport'],
    requireConsent: bool('requireConsent', o.requireConsent, false),
    respectGlobalPrivacyControl: bool('respectGlobalPrivacyControl', o.respectGlobalPrivacyControl, true),
    onError: o.onError as ResolvedOptions['onError'],
    flushInterval,
    maxBatchEvents,
  };
}
