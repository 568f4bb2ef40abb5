// Scrubbed events wait here until they leave as one numbered batch: every
// flushInterval, when maxBatchEvents are held, on flush(), and when the page
// may be leaving (sendFinal, synchronously).
import type { RecordedEvent, RecordingBatch } from '../engine/protocol';
import { PROTOCOL_VERSION } from '../engine/protocol';
import type { Transport } from '../transport/types';

export interface BatcherOptions {
  transport: Transport;
  maxBatchEvents: number;
  visitorId: string | undefined;
  /** The session and sequence number of the next batch (spent when asked), or null when there is no session. */
  nextBatch(): { sessionId: string; seq: number } | null;
  /** Failures the page should hear about; a batch the transport loses is not retried here. */
  report(error: unknown): void;
}

export interface Batcher {
  add(event: RecordedEvent): void;
  /** Hands what is held to the transport; `final`: the page may be gone before a promise settles. */
  send(final?: boolean): void;
  /** Drops what is held without sending it. */
  discard(): void;
  /**
   * Holds every batch back (but the last ones of a page that is leaving)
   * until `resume()`: while the site's settings are being fetched, nothing
   * leaves under options they may tighten.
   */
  pause(): void;
  resume(): void;
  /** Passes what is held through `scrub` again (dropping what it drops): what is held is re-masked under a stricter policy. */
  rescrub(scrub: (event: RecordedEvent) => RecordedEvent | null): void;
  /** Sends what is held, then resolves once the transport has taken everything handed to it. */
  flush(): Promise<void>;
}

export function createBatcher(options: BatcherOptions): Batcher {
  const { transport, report } = options;
  let held: RecordedEvent[] = [];
  let paused = false;
  const inFlight = new Set<Promise<unknown>>();

  function send(final = false) {
    if (paused && !final) return;
    if (!held.length) {
      // batches handed over earlier may still be on their way (being compressed, or waiting to retry)
      if (final) {
        try {
          transport.leaving?.();
        } catch (error) {
          report(error);
        }
      }
      return;
    }
    const address = options.nextBatch();
    if (!address) return;
    const batch: RecordingBatch = { v: PROTOCOL_VERSION, sessionId: address.sessionId, seq: address.seq, events: held };
    if (options.visitorId) batch.visitorId = options.visitorId;
    held = [];
    try {
      if (final && transport.sendFinal) {
        transport.sendFinal(batch);
        return;
      }
      const result = transport.send(batch);
      if (result && typeof (result as Promise<unknown>).then === 'function') {
        const p = Promise.resolve(result).catch(report);
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
      }
    } catch (error) {
      report(error);
    }
  }

  return {
    add(event) {
      held.push(event);
      if (held.length >= options.maxBatchEvents) send();
    },
    send,
    discard() {
      held = [];
    },
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
    },
    rescrub(scrub) {
      const again: RecordedEvent[] = [];
      for (const event of held) {
        const clean = scrub(event);
        if (clean) again.push(clean);
      }
      held = again;
    },
    async flush() {
      send();
      while (inFlight.size) await Promise.all(Array.from(inFlight));
      await transport.flush?.();
    },
  };
}
