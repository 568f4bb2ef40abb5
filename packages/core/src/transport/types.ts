// What the recorder hands batches to: a function, a Transport object, or the
// URL transport's options.
import type { RecordingBatch } from '../engine/protocol';

/** A function that receives every batch, uncompressed. It may return a promise. */
export type TransportFunction = (batch: RecordingBatch) => void | Promise<unknown>;

/** A transport object: `send` for each batch; the rest is optional. */
export interface Transport {
  send(batch: RecordingBatch): void | Promise<unknown>;
  /** The page may be about to unload (`pagehide`, or hidden): send this batch and anything held now, synchronously. */
  sendFinal?(batch: RecordingBatch): void;
  /** The page may be about to unload and there is no new batch: send anything still held now, synchronously. */
  leaving?(): void;
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
  /** The site's ingest key; sent in the URL (`?siteKey=`, so a receiver can refuse an unknown key unread) and inside each batch. */
  siteKey?: string;
  /** Most bytes (compressed) held while the endpoint cannot be reached; the oldest batches go first. Default 2 MiB. */
  maxQueueBytes?: number;
  /**
   * Where the site's settings are read when recording starts (docs/protocol.md,
   * "Site settings"): a URL or a path on the page's site. Default: the ingest
   * URL's sibling `settings` (`…/v1/ingest` → `…/v1/settings`), asked only
   * when there is a `siteKey`. `false`: never ask; the page's options alone decide.
   */
  settings?: string | false;
}
