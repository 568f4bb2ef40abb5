// What the demo's recorders send, kept in the page: the function transport
// stores a copy of every batch (window.__veilBatches), counts it for the
// "What was sent" view and hands it to the live replay.
import { reactive } from 'vue';
import { PRIVACY_MODES } from '@veil/core';
import type { ConsentDecision, PrivacyMode, RecordingBatch } from '@veil/vue';

export const MODES: readonly PrivacyMode[] = PRIVACY_MODES;

export const MODE_HELP: Record<PrivacyMode, string> = {
  strict: 'strict — page text and every input value are masked; only text under v-unmask is recorded.',
  balanced: 'balanced — page text is recorded; every input value is masked.',
  relaxed: 'relaxed — page text and ordinary input values are recorded; passwords, card and personal fields stay masked.',
};

const EVENT_NAMES: Record<number, string> = {
  0: 'DomContentLoaded',
  1: 'Load',
  2: 'FullSnapshot',
  3: 'Incremental',
  4: 'Meta',
  5: 'Custom',
  6: 'Plugin',
};

/** Every batch the transport received, in order: JSON round-tripped copies. */
export const batches: RecordingBatch[] = [];

/** Figures for the "What was sent" view (reactive: the replay app shows them). */
export const sent = reactive({
  batches: 0,
  events: 0,
  bytes: 0,
  sessions: [] as string[],
  types: {} as Record<string, number>,
  last: null as null | { seq: number; sessionId: string; events: number; bytes: number; json: string },
});

type BatchListener = (batch: RecordingBatch) => void;
const listeners = new Set<BatchListener>();

/** Calls `listener` with a private copy of each batch from now on. */
export function onBatch(listener: BatchListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const encoder = new TextEncoder();

/** The recorder's transport: what a collector would receive, kept in the page. */
export function transport(batch: RecordingBatch): void {
  const json = JSON.stringify(batch);
  batches.push(JSON.parse(json) as RecordingBatch);
  const bytes = encoder.encode(json).length;
  sent.batches += 1;
  sent.events += batch.events.length;
  sent.bytes += bytes;
  if (!sent.sessions.includes(batch.sessionId)) sent.sessions.push(batch.sessionId);
  for (const event of batch.events) {
    const name = EVENT_NAMES[event.type] ?? `type ${event.type}`;
    sent.types[name] = (sent.types[name] ?? 0) + 1;
  }
  sent.last = { seq: batch.seq, sessionId: batch.sessionId, events: batch.events.length, bytes, json };
  // The player annotates the events it is given: each listener gets its own copy.
  for (const listener of listeners) listener(JSON.parse(json) as RecordingBatch);
}

/** The visitor's consent, remembered across the remounts a mode switch does. */
export const remembered: { consent: ConsentDecision } = { consent: null };
