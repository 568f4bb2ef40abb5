// The recorder's public types. The shared vocabulary (modes, marks, states,
// the batch) lives in the engine; transports have their own.
import type { ConsentState, PrivacyMode, RecorderState } from '../engine/vocabulary';
import type { Transport, TransportFunction, UrlTransportOptions } from '../transport/types';

/** Something to mark at run time: an element, or a CSS selector for present and future elements. */
export type MarkTarget = Element | string;

export interface RecorderOptions {
  /** `'strict'` (default), `'balanced'` or `'relaxed'`. */
  privacy?: PrivacyMode;
  /** CSS selectors whose elements (and subtrees) are masked. */
  mask?: string[];
  /** CSS selectors whose elements (and subtrees) are never recorded. */
  block?: string[];
  /** CSS selectors whose plain text is recorded in strict mode; never unmasks sensitive fields. */
  unmask?: string[];
  /**
   * `false`: every input value is masked, whatever the mode (as a site's
   * "record form inputs: off" setting does). Default `true`: values are
   * recorded as the mode says.
   */
  recordInputs?: boolean;
  /** Where batches go: a function, a `Transport` object, an ingest URL, or `{ url, headers, siteKey }`. */
  transport: TransportFunction | Transport | string | UrlTransportOptions;
  /** `true`: nothing is recorded before `grantConsent()`. Default `false`. */
  requireConsent?: boolean;
  /** `true` (default): when `navigator.globalPrivacyControl` is `true`, do not record. */
  respectGlobalPrivacyControl?: boolean;
  /** Called when recording fails; recording stops instead of sending anything unscrubbed. */
  onError?: (error: unknown) => void;
  /** Milliseconds between automatic batch sends while recording. Default 5000. */
  flushInterval?: number;
  /** A batch is sent as soon as it holds this many events. Default 500. */
  maxBatchEvents?: number;
  /** Fraction of sessions recorded, from 0 to 1, decided once per session. Default 1. */
  sampleRate?: number;
  /** Milliseconds between full snapshots, so a replay can start anywhere; 0 turns them off. Default 300000 (5 minutes). */
  checkoutInterval?: number;
  /** Milliseconds without user activity after which the session ends; the next activity starts a new one. Default 1800000 (30 minutes). */
  sessionTimeout?: number;
  /**
   * The site's opaque id for this visitor (at most 128 characters), sent with
   * every batch so a data-subject request can find and delete their sessions.
   * Never an e-mail address or other personal data: such values are refused.
   */
  visitorId?: string;
}

/**
 * What a recorder takes from its surroundings; tests inject their own. Every
 * member is optional and defaults to the browser's.
 */
export interface RecorderEnvironment {
  /** The clock, in milliseconds. */
  now?: () => number;
  /** A number in [0, 1), for sampling and retry jitter. */
  random?: () => number;
  /** Where a session is kept across page loads in the same tab; `null` keeps it in memory only. */
  storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null;
  fetch?: typeof fetch;
}

export interface StopOptions {
  /** `true`: drop events not yet handed to the transport instead of sending them. */
  discard?: boolean;
}

/** Called on every change of `state` or `consent`, with the current state. */
export type RecorderListener = (state: RecorderState) => void;

export interface Recorder {
  /** The current state; `subscribe` tells when it changes. */
  readonly state: RecorderState;
  /** What the visitor decided through `grantConsent()` / `revokeConsent()`. */
  readonly consent: ConsentState;
  /** The id of the current (or last) recording session, or `null` before the first. */
  readonly sessionId: string | null;
  start(): void;
  stop(options?: StopOptions): void;
  /**
   * Hands every buffered event, including DOM changes the page made just
   * before the call, to the transport; resolves when the transport has taken
   * it. `stop()` records nothing after it is called: to keep changes made in
   * the same task just before it, `await flush()` first.
   */
  flush(): Promise<void>;
  grantConsent(): void;
  /** Stops recording and discards everything not yet sent. */
  revokeConsent(): void;
  mask(target: MarkTarget): void;
  block(target: MarkTarget): void;
  unmask(target: MarkTarget): void;
  /** Calls `listener` on every change of `state` or `consent`; returns a function that unsubscribes. */
  subscribe(listener: RecorderListener): () => void;
}
