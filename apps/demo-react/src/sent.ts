// What the recorder's transport received: every batch, as a JSON copy. It is
// what a collector would store; the replay panel rebuilds the page from it.
import type { RecordingBatch } from '@veil/react';

declare global {
  interface Window {
    /** Every batch the transport received, in order (for tests and the curious). */
    __veilBatches: RecordingBatch[];
  }
}

export interface SentStats {
  batches: number;
  events: number;
  bytes: number;
  sessions: number;
  byType: Record<string, number>;
  last: { batch: RecordingBatch; bytes: number } | null;
}

const EVENT_TYPES: Record<number, string> = {
  0: 'DomContentLoaded',
  1: 'Load',
  2: 'FullSnapshot',
  3: 'Incremental',
  4: 'Meta',
  5: 'Custom',
  6: 'Plugin',
};

const batches: RecordingBatch[] = [];
window.__veilBatches = batches;

const sessions = new Set<string>();
const encoder = new TextEncoder();
const listeners = new Set<(batch: RecordingBatch) => void>();
let stats: SentStats = { batches: 0, events: 0, bytes: 0, sessions: 0, byType: {}, last: null };

/** The demo's transport: a function, given each batch uncompressed. */
export function collect(batch: RecordingBatch): void {
  const json = JSON.stringify(batch);
  const copy = JSON.parse(json) as RecordingBatch;
  batches.push(copy);
  sessions.add(copy.sessionId);
  const byType = { ...stats.byType };
  for (const event of copy.events) {
    const name = EVENT_TYPES[event.type] ?? `type ${event.type}`;
    byType[name] = (byType[name] ?? 0) + 1;
  }
  const bytes = encoder.encode(json).length;
  stats = {
    batches: stats.batches + 1,
    events: stats.events + copy.events.length,
    bytes: stats.bytes + bytes,
    sessions: sessions.size,
    byType,
    last: { batch: copy, bytes },
  };
  // each listener gets its own copy: rrweb's player annotates the events it is given
  for (const listener of Array.from(listeners)) listener(JSON.parse(json) as RecordingBatch);
}

/** Calls `listener` with every batch from now on; returns the unsubscribe. */
export function onBatch(listener: (batch: RecordingBatch) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** For useSyncExternalStore: a new object after each batch. */
export const sentStats = (): SentStats => stats;

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  return `${(n / 1024 / 1024).toFixed(2)} MB`;
}
