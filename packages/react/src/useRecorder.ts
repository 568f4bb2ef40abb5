import { useMemo } from 'react';
import type { Recorder, RecorderState, StopOptions } from '@veil/core';
import { useVeilRecorder } from './context';
import { useRecorderState } from './useRecorderState';

/** What {@link useRecorder} returns. The functions keep their identity while the recorder stays the same. */
export interface RecorderControls {
  /** The provider's recorder, for `mask()`, `block()`, `unmask()`, `sessionId` … */
  recorder: Recorder;
  /** `'idle'`, `'awaiting-consent'`, `'recording'` or `'stopped'`; the component re-renders when it changes. */
  state: RecorderState;
  start(): void;
  stop(options?: StopOptions): void;
  /** Hands every buffered event to the transport. */
  flush(): Promise<void>;
}

/**
 * The recorder of the nearest `<VeilProvider>` and its live state. Throws outside
 * a provider.
 *
 * @example
 * function RecordingToggle() {
 *   const { state, start, stop } = useRecorder();
 *   return state === 'recording'
 *     ? <button onClick={() => stop()}>Stop recording</button>
 *     : <button onClick={start}>Record</button>;
 * }
 */
export function useRecorder(): RecorderControls {
  const recorder = useVeilRecorder('useRecorder()');
  const state = useRecorderState(recorder);
  const actions = useMemo(
    () => ({
      start: () => recorder.start(),
      stop: (options?: StopOptions) => recorder.stop(options),
      flush: () => recorder.flush(),
    }),
    [recorder],
  );
  return useMemo(() => ({ recorder, state, ...actions }), [recorder, state, actions]);
}
