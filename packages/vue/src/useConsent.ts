import type { Recorder, RecorderState } from '@veil/core';
import { computed, shallowRef, type ComputedRef, type ShallowRef } from 'vue';
import { injectRecorder, watchRecorder } from './context';

/** The visitor's answer given through `useConsent()`, or `null` before any. */
export type ConsentDecision = 'granted' | 'revoked' | null;

/** What `useConsent()` returns. */
export interface UseConsentReturn {
  /** The recorder's state; reactive. */
  state: Readonly<ShallowRef<RecorderState>>;
  /** `true` while the recorder waits for consent (state `'awaiting-consent'`). */
  awaiting: ComputedRef<boolean>;
  /** The last answer given through `grant()` or `revoke()` in this app (shared by its components), or `null`. */
  decision: Readonly<ShallowRef<ConsentDecision>>;
  /** The visitor agrees: recording starts if it was waiting for consent. */
  grant(): void;
  /** The visitor declines or withdraws: recording stops and what was not sent is discarded. */
  revoke(): void;
}

// One decision per recorder, shared by every component that asks.
const decisions = new WeakMap<Recorder, ShallowRef<ConsentDecision>>();

/**
 * Consent for the app's recorder (with `requireConsent: true`, nothing is
 * recorded before `grant()`). Call it in `setup()` of a component of an app
 * that installed `createVeil()`; it throws otherwise.
 *
 * @example
 * const { awaiting, decision, grant, revoke } = useConsent();
 * // <div v-if="awaiting && !decision">Record this visit? <button @click="grant">Yes</button> <button @click="revoke">No</button></div>
 */
export function useConsent(): UseConsentReturn {
  const recorder = injectRecorder('useConsent');
  const { state } = watchRecorder(recorder);
  let decision = decisions.get(recorder);
  if (!decision) decisions.set(recorder, (decision = shallowRef<ConsentDecision>(null)));
  const shared = decision;
  return {
    state,
    awaiting: computed(() => state.value === 'awaiting-consent'),
    decision: shared,
    grant() {
      recorder.grantConsent();
      shared.value = 'granted';
    },
    revoke() {
      recorder.revokeConsent();
      shared.value = 'revoked';
    },
  };
}
