import { consentStatus, type ConsentStatus, type RecorderState } from '@veil/core';
import { computed, type ComputedRef, type ShallowRef } from 'vue';
import { injectRecorder, watchRecorder } from './context';

/** The visitor's answer about being recorded, or `null` before any. */
export type ConsentDecision = 'granted' | 'revoked' | null;

/** What `useConsent()` returns. */
export interface UseConsentReturn {
  /** The recorder's state; reactive. */
  state: Readonly<ShallowRef<RecorderState>>;
  /**
   * Where consent stands, as the core reports it (`consentStatus`): `'pending'`
   * while the recorder waits for consent and the visitor has not answered (show
   * your banner then), `'granted'` / `'revoked'` after an answer, `'unknown'`
   * when there is none and nothing waits for one.
   */
  status: ComputedRef<ConsentStatus>;
  /** `true` while the recorder waits for consent (state `'awaiting-consent'`). */
  awaiting: ComputedRef<boolean>;
  /** The visitor's last answer (through `grant()`, `revoke()` or the recorder itself), or `null` before any. */
  decision: ComputedRef<ConsentDecision>;
  /** The visitor agrees: recording starts if it was waiting for consent. */
  grant(): void;
  /** The visitor declines or withdraws: recording stops and what was not sent is discarded. */
  revoke(): void;
}

/**
 * Consent for the app's recorder (with `requireConsent: true`, nothing is
 * recorded before `grant()`). Call it in `setup()` of a component of an app
 * that installed `createVeil()`; it throws otherwise.
 *
 * @example
 * const { status, grant, revoke } = useConsent();
 * // <div v-if="status === 'pending'">Record this visit? <button @click="grant">Yes</button> <button @click="revoke">No</button></div>
 */
export function useConsent(): UseConsentReturn {
  const recorder = injectRecorder('useConsent');
  // the core keeps the answer and announces it like a state change
  const { state, consent } = watchRecorder(recorder);
  return {
    state,
    status: computed(() => consentStatus(state.value, consent.value)),
    awaiting: computed(() => state.value === 'awaiting-consent'),
    decision: computed(() => (consent.value === 'unknown' ? null : consent.value)),
    grant: () => recorder.grantConsent(),
    revoke: () => recorder.revokeConsent(),
  };
}
