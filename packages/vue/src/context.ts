import {
  getCurrentInstance,
  getCurrentScope,
  hasInjectionContext,
  inject,
  onMounted,
  onScopeDispose,
  shallowRef,
  type InjectionKey,
  type ShallowRef,
} from 'vue';
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

/**
 * What the server renders: a recorder that never starts there. A component
 * hydrating server-rendered HTML renders these too, or its first render
 * would differ from the HTML (a consent banner the server left out), and
 * Vue would report a hydration mismatch.
 */
const SERVER_VALUES = { state: 'idle', consent: 'unknown', sessionId: null } as const;

/**
 * Whether the component being set up is hydrating server-rendered HTML:
 * Vue hands a hydrating component the element it already has, where a
 * component rendered in the browser gets its element only once rendered.
 */
function hydrating(): boolean {
  return !!getCurrentInstance()?.vnode.el;
}

/**
 * The recorder's state, consent and session id as refs, kept up to date until
 * the calling scope is disposed. On the server they hold the server's values;
 * while hydrating too, until the component is mounted, as React's
 * useSyncExternalStore does with its server snapshot.
 */
export function watchRecorder(recorder: Recorder): {
  state: ShallowRef<RecorderState>;
  consent: ShallowRef<ConsentState>;
  sessionId: ShallowRef<string | null>;
} {
  const inBrowser = typeof document !== 'undefined';
  const live = inBrowser && !hydrating();
  const state = shallowRef<RecorderState>(live ? recorder.state : SERVER_VALUES.state);
  const consent = shallowRef<ConsentState>(live ? recorder.consent : SERVER_VALUES.consent);
  const sessionId = shallowRef<string | null>(live ? recorder.sessionId : SERVER_VALUES.sessionId);
  // Nothing records on the server, and server-side component scopes are never
  // disposed: subscribe only in the browser.
  if (!inBrowser) return { state, consent, sessionId };
  const update = () => {
    state.value = recorder.state;
    consent.value = recorder.consent;
    sessionId.value = recorder.sessionId;
  };
  let mounted = false;
  const unsubscribe = recorder.subscribe(() => {
    if (live || mounted) update();
  });
  if (!live) {
    onMounted(() => {
      mounted = true;
      update();
    });
  }
  if (getCurrentScope()) onScopeDispose(unsubscribe);
  else warnOnce('scope', 'a Veil composable was called outside a component or effect scope: its subscription is never removed.');
  return { state, consent, sessionId };
}
