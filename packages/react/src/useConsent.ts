import { useCallback, useMemo, useSyncExternalStore } from 'react';
import type { Recorder, RecorderState } from '@veil/core';
import { useVeilRecorder } from './context';

/**
 * Where the visitor's consent stands, as far as this page knows:
 * - `'pending'`: the recorder waits for consent (`requireConsent`, or consent was revoked and no choice made since): ask.
 * - `'granted'` / `'revoked'`: the last choice made with `grant()` / `revoke()`.
 * - `'unknown'`: no choice made through `useConsent()` and the recorder is not waiting for one
 *   (not started yet, consent not required, or given directly on the recorder).
 */
export type ConsentState = 'unknown' | 'pending' | 'granted' | 'revoked';

/** What {@link useConsent} returns. */
export interface ConsentControls {
  state: ConsentState;
  /** `recorder.grantConsent()`: recording begins if the recorder was started. */
  grant(): void;
  /** `recorder.revokeConsent()`: recording stops and what was not sent yet is discarded. */
  revoke(): void;
}

// The core keeps consent to itself and a choice made while waiting changes no
// state it reports, so the choices made here are remembered per recorder.
const choices = new WeakMap<Recorder, 'granted' | 'revoked'>();
const choiceListeners = new Set<() => void>();

function consentState(state: RecorderState, choice: 'granted' | 'revoked' | undefined): ConsentState {
  if (state === 'awaiting-consent') return choice === 'revoked' ? 'revoked' : 'pending';
  // recording after a revoke means consent was given on the recorder directly
  if (state === 'recording' && choice) return 'granted';
  return choice ?? 'unknown';
}

const serverState = (): ConsentState => 'unknown';

/**
 * The consent of the nearest `<VeilProvider>`'s recorder, for a consent banner.
 * Throws outside a provider.
 *
 * @example
 * function ConsentBanner() {
 *   const { state, grant, revoke } = useConsent();
 *   if (state !== 'pending') return null;
 *   return <div role="dialog">May we record this visit? <button onClick={grant}>Yes</button> <button onClick={revoke}>No</button></div>;
 * }
 */
export function useConsent(): ConsentControls {
  const recorder = useVeilRecorder('useConsent()');
  const subscribe = useCallback(
    (onChange: () => void) => {
      const off = recorder.subscribe(onChange);
      choiceListeners.add(onChange);
      return () => {
        off();
        choiceListeners.delete(onChange);
      };
    },
    [recorder],
  );
  const read = useCallback(() => consentState(recorder.state, choices.get(recorder)), [recorder]);
  const state = useSyncExternalStore(subscribe, read, serverState);
  const actions = useMemo(() => {
    const choose = (choice: 'granted' | 'revoked') => {
      choices.set(recorder, choice);
      if (choice === 'granted') recorder.grantConsent();
      else recorder.revokeConsent();
      for (const listener of Array.from(choiceListeners)) listener();
    };
    return { grant: () => choose('granted'), revoke: () => choose('revoked') };
  }, [recorder]);
  return useMemo(() => ({ state, ...actions }), [state, actions]);
}
