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
}

/** A function that receives every batch, uncompressed. It may return a promise. */
export type TransportFunction = (batch: RecordingBatch) => void | Promise<unknown>;

/** A transport object: `send` for each batch; `close` when the recorder stops. */
export interface Transport {
  send(batch: RecordingBatch): void | Promise<unknown>;
  /** Called with `pagehide` when the page may be about to unload: send synchronously if you can. */
  sendFinal?(batch: RecordingBatch): void;
  close?(): void;
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
  /** Where batches go: a function, a `Transport` object, or an ingest URL. */
  transport: TransportFunction | Transport | string;
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
}

export interface StopOptions {
  /** `true`: drop events not yet handed to the transport instead of sending them. */
  discard?: boolean;
}

export type RecorderListener = (state: RecorderState) => void;

export interface Recorder {
  /** The current state; `subscribe` tells when it changes. */
  readonly state: RecorderState;
  /** The id of the current (or last) recording session, or `null` before the first. */
  readonly sessionId: string | null;
  start(): void;
  stop(options?: StopOptions): void;
  /** Hands every buffered event to the transport; resolves when the transport has taken it. */
  flush(): Promise<void>;
  grantConsent(): void;
  /** Stops recording and discards everything not yet sent. */
  revokeConsent(): void;
  mask(target: MarkTarget): void;
  block(target: MarkTarget): void;
  unmask(target: MarkTarget): void;
  /** Calls `listener` on every state change; returns a function that unsubscribes. */
  subscribe(listener: RecorderListener): () => void;
}
