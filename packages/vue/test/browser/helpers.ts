import type { ConsentState, Recorder, RecorderState, RecordingBatch } from '@veil/core';

/** A function transport that keeps JSON copies of every batch it receives. */
export function collectingTransport() {
  const batches: RecordingBatch[] = [];
  return {
    batches,
    transport: (batch: RecordingBatch) => {
      batches.push(JSON.parse(JSON.stringify(batch)) as RecordingBatch);
    },
    /** Everything received so far, as one JSON string. */
    json: () => JSON.stringify(batches),
  };
}

/** Lets the page's mutation observers (and rrweb's) run. */
export const settle = (ms = 30) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A stand-in recorder for tests of state handling: no rrweb, state set by hand.
 * It counts subscribers so that tests can see them go away.
 */
export function fakeRecorder(initial: RecorderState = 'idle') {
  const listeners = new Set<(state: RecorderState) => void>();
  let state = initial;
  let sessionId: string | null = null;
  let consent: ConsentState = 'unknown';
  const calls: string[] = [];
  const set = (next: RecorderState) => {
    state = next;
    if (next === 'recording') sessionId = `session-${calls.length}`;
    for (const listener of [...listeners]) listener(next);
  };
  const recorder: Recorder = {
    get state() {
      return state;
    },
    get sessionId() {
      return sessionId;
    },
    get consent() {
      return consent;
    },
    start: () => {
      calls.push('start');
      set('recording');
    },
    stop: () => {
      calls.push('stop');
      set('stopped');
    },
    flush: async () => {
      calls.push('flush');
    },
    grantConsent: () => {
      calls.push('grantConsent');
      consent = 'granted';
      set('recording');
    },
    revokeConsent: () => {
      calls.push('revokeConsent');
      consent = 'revoked';
      set('awaiting-consent');
    },
    mask: () => calls.push('mask'),
    block: () => calls.push('block'),
    unmask: () => calls.push('unmask'),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return { recorder, calls, set, listenerCount: () => listeners.size };
}
