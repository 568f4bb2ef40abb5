import { hasInjectionContext, inject, onScopeDispose, getCurrentScope, shallowRef, type InjectionKey, type ShallowRef } from 'vue';
import { warnOnce, type ConsentState, type Recorder, type RecorderState } from '@veil/core';

/**
 * The injection key under which the plugin provides its recorder.
 *
 * @example
 * import { inject } from 'vue';
 * import { recorderKey } from '@veil/vue';
 * const recorder = inject(recorderKey); // Recorder | undefined
 */
export const recorderKey: InjectionKey<Recorder> = Symbol('veil recorder');

/** The recorder of the current app; throws when there is none. */
export function injectRecorder(caller: string): Recorder {
  const recorder = hasInjectionContext() ? inject(recorderKey, null) : null;
  if (!recorder) {
    throw new Error(
      `[veil] ${caller}() found no recorder. Install the plugin with app.use(createVeil({ transport })) ` +
        `and call ${caller}() in setup() of a component of that app (or inside app.runWithContext()).`,
    );
  }
  return recorder;
}

/** The recorder's state, consent and session id as refs, kept up to date until the calling scope is disposed. */
export function watchRecorder(recorder: Recorder): {
  state: ShallowRef<RecorderState>;
  consent: ShallowRef<ConsentState>;
  sessionId: ShallowRef<string | null>;
} {
  const state = shallowRef(recorder.state);
  const consent = shallowRef(recorder.consent);
  const sessionId = shallowRef(recorder.sessionId);
  // Nothing records on the server, and server-side component scopes are never
  // disposed: subscribe only in the browser.
  if (typeof document !== 'undefined') {
    const unsubscribe = recorder.subscribe((next) => {
      state.value = next;
      consent.value = recorder.consent;
      sessionId.value = recorder.sessionId;
    });
    if (getCurrentScope()) onScopeDispose(unsubscribe);
    else warnOnce('scope', 'a Veil composable was called outside a component or effect scope: its subscription is never removed.');
  }
  return { state, consent, sessionId };
}
