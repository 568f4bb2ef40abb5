import { Injectable, computed, signal } from '@angular/core';
import type { RecordingBatch } from '@veil/angular';

const EVENT_TYPES: Record<number, string> = {
  0: 'DomContentLoaded',
  1: 'Load',
  2: 'FullSnapshot',
  3: 'Incremental',
  4: 'Meta',
  5: 'Custom',
  6: 'Plugin',
};

declare global {
  interface Window {
    /** Every batch the demo's transport received, as JSON copies (for the end-to-end test and the curious). */
    __veilBatches?: RecordingBatch[];
  }
}

export interface LastBatch {
  seq: number;
  sessionId: string;
  events: number;
  bytes: number;
  json: string;
}

/**
 * The demo's transport: where a real app would send batches to a collector,
 * this keeps them, counts them and hands them to the live replay. It runs
 * outside the Angular zone (the recorder calls it); signals need no zone.
 */
@Injectable({ providedIn: 'root' })
export class SentBatches {
  private readonly all: RecordingBatch[] = [];
  private readonly listeners = new Set<(batch: RecordingBatch) => void>();
  private readonly encoder = new TextEncoder();
  private readonly stats = signal({ batches: 0, events: 0, bytes: 0, sessions: 0, types: {} as Record<string, number> });
  private readonly sessions = new Set<string>();

  readonly batches = computed(() => this.stats().batches);
  readonly events = computed(() => this.stats().events);
  readonly bytes = computed(() => this.stats().bytes);
  readonly sessionCount = computed(() => this.stats().sessions);
  readonly byType = computed(() =>
    Object.entries(this.stats().types)
      .map(([name, count]) => `${name} ${count}`)
      .join(' · '),
  );
  readonly last = signal<LastBatch | null>(null);
  readonly error = signal<string | null>(null);

  constructor() {
    if (typeof window !== 'undefined') window.__veilBatches = this.all;
  }

  /** The transport function given to provideVeil(). */
  readonly receive = (batch: RecordingBatch): void => {
    const json = JSON.stringify(batch);
    const copy = JSON.parse(json) as RecordingBatch;
    this.all.push(copy);
    this.sessions.add(copy.sessionId);
    const bytes = this.encoder.encode(json).length;
    this.stats.update((s) => {
      const types = { ...s.types };
      for (const event of copy.events) {
        const name = EVENT_TYPES[event.type] ?? `type ${event.type}`;
        types[name] = (types[name] ?? 0) + 1;
      }
      return {
        batches: s.batches + 1,
        events: s.events + copy.events.length,
        bytes: s.bytes + bytes,
        sessions: this.sessions.size,
        types,
      };
    });
    this.last.set({ seq: copy.seq, sessionId: copy.sessionId, events: copy.events.length, bytes, json });
    // The player annotates the events it is given: each listener gets its own copy.
    for (const listener of this.listeners) listener(JSON.parse(json) as RecordingBatch);
  };

  /** Calls `listener` with every batch received so far, then with each new one. Returns an unsubscribe function. */
  follow(listener: (batch: RecordingBatch) => void): () => void {
    for (const batch of this.all) listener(JSON.parse(JSON.stringify(batch)) as RecordingBatch);
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
