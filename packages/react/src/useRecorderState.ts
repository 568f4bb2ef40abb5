import { useCallback, useSyncExternalStore } from 'react';
import type { Recorder, RecorderState } from '@veil/core';

const serverState = (): RecorderState => 'idle';

/** The recorder's state, re-rendering on every change (`recorder.subscribe`). */
export function useRecorderState(recorder: Recorder): RecorderState {
  const subscribe = useCallback((onChange: () => void) => recorder.subscribe(onChange), [recorder]);
  const read = useCallback(() => recorder.state, [recorder]);
  // The server never records: hydration starts from 'idle', then catches up.
  return useSyncExternalStore(subscribe, read, serverState);
}
