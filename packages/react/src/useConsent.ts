import { useCallback, useMemo, useSyncExternalStore } from 'react';
import { consentStatus, type ConsentStatus } from '@veil/core';
import { useVeilRecorder } from './context';

/** What {@link useConsent} returns. */
export interface ConsentControls {
  /**
   * Where the visitor's consent stands, as the core reports it (`consentStatus`):
   * - `'pending'`: the recorder waits for consent (`requireConsent`) and the visitor has not answered: ask.
   * - `'granted'` / `'revoked'`: the visitor's last answer, given with `grant()` / `revoke()` or on the recorder itself.
   * - `'unknown'`: no answer yet and the recorder is not waiting for one (not started yet, or consent not required).
   */
  state: ConsentStatus;
  /** `recorder.grantConsent()`: recording begins if the recorder was started. */
  grant(): void;
  /** `recorder.revokeConsent()`: recording stops and what was not sent yet is discarded. */
  revoke(): void;
}

const serverState = (): ConsentStatus => 'unknown';

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
  // the core announces consent changes through the same subscription as state changes
  const subscribe = useCallback((onChange: () => void) => recorder.subscribe(onChange), [recorder]);
  const read = useCallback(() => consentStatus(recorder.state, recorder.consent), [recorder]);
  const state = useSyncExternalStore(subscribe, read, serverState);
  const actions = useMemo(() => ({ grant: () => recorder.grantConsent(), revoke: () => recorder.revokeConsent() }), [recorder]);
  return useMemo(() => ({ state, ...actions }), [state, actions]);
}
