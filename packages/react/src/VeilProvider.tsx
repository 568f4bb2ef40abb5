import { useEffect, useRef, useState, type ReactElement, type ReactNode } from 'react';
import { createRecorder, warnOnce, type Recorder, type RecorderOptions } from '@veil/core';
import { VeilContext } from './context';
import { inProduction } from './production';
import { VeilXray } from './VeilXray';

/**
 * The recorder's options, plus `autoStart`, spelled as the Vue plugin and the
 * Angular provider spell it (the `autoStart` prop, when given, wins).
 */
export type VeilProviderOptions = RecorderOptions & { autoStart?: boolean };

/** Props of {@link VeilProvider}: either `options` (the provider owns a recorder) or `recorder` (you own it). */
export interface VeilProviderProps {
  /**
   * Options for the recorder the provider creates on its first render. They are
   * read once: later changes have no effect (a development warning says so). To
   * record with other options, give the provider a new `key` (which remounts its
   * subtree) or pass `recorder` instead.
   */
  options?: VeilProviderOptions;
  /**
   * A recorder created elsewhere (`createRecorder`). The provider neither starts
   * nor stops it unless `autoStart` / `autoStop` say so. A different recorder
   * may be passed later (create it in `useMemo`, not inline on every render).
   */
  recorder?: Recorder;
  /**
   * Call `start()` when the provider mounts (or receives another recorder). With
   * `requireConsent` the recorder then waits for `grantConsent()`. Default: `true`
   * with `options`, `false` with `recorder`.
   */
  autoStart?: boolean;
  /**
   * Call `stop()` (which sends what is buffered) when the provider unmounts or
   * lets go of its recorder for another one. Default: `true` with `options`,
   * `false` with `recorder`.
   */
  autoStop?: boolean;
  children?: ReactNode;
}

// StrictMode (and Fast Refresh) run an effect's cleanup and then the effect again
// at once. Stopping in the cleanup would end the recording and begin a new one, so
// the stop is deferred, and cancelled when the same recorder is taken up again.
const pendingStops = new Map<Recorder, ReturnType<typeof setTimeout>>();
// Recorders a provider already started: never call start() twice for one take-up.
const started = new WeakSet<Recorder>();

function stopNow(recorder: Recorder): void {
  clearTimeout(pendingStops.get(recorder));
  pendingStops.delete(recorder);
  started.delete(recorder);
  recorder.stop();
}

/** Options without their functions, to notice options that really changed (inline arrows always do). */
const optionsKey = (options: RecorderOptions | undefined): string =>
  JSON.stringify(options ?? null, (_key, value: unknown) => (typeof value === 'function' ? undefined : value));

/**
 * Gives its subtree one Veil recorder, for `useRecorder()` and `useConsent()`.
 * With `options` it creates the recorder on its first render (nothing touches the
 * page on the server), starts it after mounting and stops it on unmount; React
 * StrictMode's extra mount and unmount neither restarts nor loses the recording.
 * One recorder records per page at a time: starting a second one elsewhere throws.
 *
 * @example
 * <VeilProvider options={{ privacy: 'strict', requireConsent: true, transport: 'https://collector.example.com/v1/ingest' }}>
 *   <App />
 * </VeilProvider>
 */
export function VeilProvider({ options, recorder: given, autoStart, autoStop, children }: VeilProviderProps): ReactElement {
  if (given && options) {
    throw new Error('[veil] <VeilProvider> takes either options={…} (it creates the recorder) or recorder={…} (you created it), not both.');
  }
  if (!given && !options) {
    throw new Error(
      '[veil] <VeilProvider> needs options={{ transport: … }} to create a recorder, or recorder={…} made with createRecorder().',
    );
  }
  const owned = useRef<Recorder | null>(null);
  const firstOptions = useRef<string | null>(null);
  const { autoStart: startOption, ...recorderOptions } = options ?? {};
  if (startOption !== undefined && typeof startOption !== 'boolean') {
    throw new Error(`[veil] Invalid option "autoStart": expected true or false; got ${typeof startOption}.`);
  }
  if (!given && !owned.current) owned.current = createRecorder(recorderOptions as RecorderOptions);
  const recorder = given ?? owned.current!;
  const start = autoStart ?? startOption ?? !given;
  const stop = autoStop ?? !given;

  useEffect(() => {
    if (inProduction()) return;
    const key = optionsKey(options);
    if (firstOptions.current === null) firstOptions.current = key;
    else if (key !== firstOptions.current) {
      warnOnce(
        'options-changed',
        '<VeilProvider options> changed after the first render; options are read once, so the change has no effect. Give the provider a new key to record with new options, or pass recorder={…}.',
      );
    }
  });

  useEffect(() => {
    // taken up again right after letting go (StrictMode, Fast Refresh): keep recording
    clearTimeout(pendingStops.get(recorder));
    pendingStops.delete(recorder);
    if (start && !started.has(recorder)) {
      // another provider just let go of its recorder: stop it first, so that this one may record
      for (const other of Array.from(pendingStops.keys())) stopNow(other);
      if (recorder.state !== 'recording' && recorder.state !== 'awaiting-consent') recorder.start();
      started.add(recorder);
    }
    return () => {
      if (stop)
        pendingStops.set(
          recorder,
          setTimeout(() => stopNow(recorder), 0),
        );
    };
  }, [recorder, start, stop]);

  // ?veil-xray in development: the X-ray of the provider's options. Read in an
  // effect: never on the server, and it renders no markup, so hydration is unaffected.
  const [xrayAsked, setXrayAsked] = useState(false);
  useEffect(() => {
    if (!inProduction() && new URLSearchParams(location.search).has('veil-xray')) setXrayAsked(true);
  }, []);
  return (
    <VeilContext.Provider value={recorder}>
      {children}
      {xrayAsked && <VeilXray options={recorderOptions} />}
    </VeilContext.Provider>
  );
}
