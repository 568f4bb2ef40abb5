/** How much of the page Veil records. From most to least private. */
export type PrivacyMode = 'strict' | 'balanced' | 'relaxed';

/** What a region marker or a selector does to an element and its subtree. */
export type RegionMark = 'mask' | 'block' | 'unmask';

/** Where a recorder is in its life. */
export type RecorderState = 'idle' | 'awaiting-consent' | 'recording' | 'stopped';

/**
 * One recorded event, in the replay format Veil sends. `type` and `data`
 * follow rrweb's event schema, so rrweb's player can replay a recording.
 */
export interface RecordedEvent {
  type: number;
  timestamp: number;
  data: unknown;
  [extra: string]: unknown;
}

/** The unit a transport receives: every event of one session, in order, split into numbered batches. */
export interface RecordingBatch {
  /** Wire format version; see docs/protocol.md. */
  v: 1;
  /** Random id of the recording session. */
  sessionId: string;
  /** 0 for the first batch of a session, then +1 for each batch. */
  seq: number;
  /** Events in the order they were recorded, already scrubbed. */
  events: RecordedEvent[];
  /** The site's ingest key, added by the URL transport. */
  siteKey?: string;
  /** Batches (and their events) the URL transport had to drop since the last batch it delivered. */
  dropped?: { batches: number; events: number };
  /** The site's own opaque id for the visitor, when it gave one: lets a collector delete one visitor's sessions. */
  visitorId?: string;
}

/** A function that receives every batch, uncompressed. It may return a promise. */
export type TransportFunction = (batch: RecordingBatch) => void | Promise<unknown>;

/** A transport object: `send` for each batch; the rest is optional. */
export interface Transport {
  send(batch: RecordingBatch): void | Promise<unknown>;
  /** The page may be about to unload (`pagehide`, or hidden): send this batch and anything held now, synchronously. */
  sendFinal?(batch: RecordingBatch): void;
  /** Resolves when everything handed over so far was sent, refused, or is waiting for a retry. */
  flush?(): Promise<void>;
  /** The recorder stopped; `discard`: drop anything not yet delivered (consent was revoked). */
  close?(discard: boolean): void;
}

/** Where the URL transport sends, and how it identifies the site. */
export interface UrlTransportOptions {
  /** The ingest endpoint, e.g. `https://collector.example.com/v1/ingest`. */
  url: string;
  /** Extra request headers (they make browsers send a CORS preflight first). */
  headers?: Record<string, string>;
  /** The site's ingest key; sent inside each batch. */
  siteKey?: string;
  /** Most bytes (compressed) held while the endpoint cannot be reached; the oldest batches go first. Default 2 MiB. */
  maxQueueBytes?: number;
}

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

/** What the visitor said about being recorded: nothing yet, yes, or no. */
export type ConsentState = 'unknown' | 'granted' | 'revoked';

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
