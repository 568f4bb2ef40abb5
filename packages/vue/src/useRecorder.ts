import type { MarkTarget, Recorder, RecorderState, StopOptions } from '@veil/core';
import type { ShallowRef } from 'vue';
import { injectRecorder, watchRecorder } from './context';

/** What `useRecorder()` returns. */
export interface UseRecorderReturn {
  /** The recorder itself, for anything not wrapped here. */
  recorder: Recorder;
  /** `'idle'`, `'awaiting-consent'`, `'recording'` or `'stopped'`; reactive. */
  state: Readonly<ShallowRef<RecorderState>>;
  /** The id of the current (or last) recording session, or `null` before the first; reactive. */
  sessionId: Readonly<ShallowRef<string | null>>;
  start(): void;
  stop(options?: StopOptions): void;
  /** Hands every buffered event to the transport. */
  flush(): Promise<void>;
  /** Masks an element, or elements matching a selector, from now on. */
  mask(target: MarkTarget): void;
  /** Stops recording an element, or elements matching a selector, from now on. */
  block(target: MarkTarget): void;
  /** Records the plain text of an element, or elements matching a selector, in strict mode. */
  unmask(target: MarkTarget): void;
}

/**
 * The app's recorder with its state as refs. Call it in `setup()` of a
 * component of an app that installed `createVeil()`; it throws otherwise.
 *
 * @example
 * const { state, flush } = useRecorder();
 * const recording = computed(() => state.value === 'recording');
 */
export function useRecorder(): UseRecorderReturn {
  const recorder = injectRecorder('useRecorder');
  const { state, sessionId } = watchRecorder(recorder);
  return {
    recorder,
    state,
    sessionId,
    start: () => recorder.start(),
    stop: (options) => recorder.stop(options),
    flush: () => recorder.flush(),
    mask: (target) => recorder.mask(target),
    block: (target) => recorder.block(target),
    unmask: (target) => recorder.unmask(target),
  };
}
