import { createRecorder, type Recorder, type RecorderOptions } from '@veil/core';
import type { App } from 'vue';
import { recorderKey } from './context';
import { vNoRecord, vSensitive, vUnmask } from './directives';
import { inProduction } from './production';
import type { ExplainOptions } from '@veil/core/explain';

/** What the plugin adds to the recorder's options. */
export interface VeilPluginOptions {
  /**
   * `true` (default): start the recorder when the plugin is installed in the
   * browser (with `requireConsent`, it waits for consent). Never on the server.
   */
  autoStart?: boolean;
}

/** Options of `createVeil`: the core's recorder options, or `{ recorder }` for one created elsewhere. */
export type VeilOptions = VeilPluginOptions & ((RecorderOptions & { recorder?: undefined }) | { recorder: Recorder });

/** The plugin `createVeil` returns: pass it to `app.use()`. */
export interface Veil {
  /** The one recorder this plugin provides. */
  readonly recorder: Recorder;
  install(app: App): void;
}

/** `?veil-xray` in development: the X-ray of the plugin's options while the app is mounted, loaded on demand. */
function showXray(app: App, options: ExplainOptions): void {
  let overlay: { destroy(): void } | undefined;
  let unmounted = false;
  import('@veil/core/xray').then(
    ({ xray }) => {
      if (!unmounted) overlay = xray(options);
    },
    (error: unknown) => console.warn('[veil] ?veil-xray: could not load @veil/core/xray:', error),
  );
  app.onUnmount(() => {
    unmounted = true;
    overlay?.destroy();
  });
}

/**
 * Creates the Veil plugin: it provides one recorder to the app (see
 * `useRecorder`, `useConsent`, `recorderKey`), registers `v-sensitive`,
 * `v-no-record` and `v-unmask`, starts recording when installed in the browser
 * (unless `autoStart: false`) and stops when the app unmounts.
 *
 * @example
 * import { createApp } from 'vue';
 * import { createVeil } from '@veil/vue';
 * createApp(App)
 *   .use(createVeil({ privacy: 'balanced', transport: 'https://collector.example.com/v1/ingest', requireConsent: true }))
 *   .mount('#app');
 */
export function createVeil(options: VeilOptions): Veil {
  if (typeof options !== 'object' || options === null) {
    throw new Error('[veil] createVeil(options) expects recorder options such as { transport: "https://…" }, or { recorder }.');
  }
  const { autoStart = true, recorder: given, ...recorderOptions } = options;
  if (typeof autoStart !== 'boolean')
    throw new Error(`[veil] Invalid option "autoStart": expected true or false; got ${typeof autoStart}.`);
  if (given !== undefined) {
    if (typeof given !== 'object' || given === null || typeof given.start !== 'function') {
      throw new Error('[veil] createVeil({ recorder }): recorder must come from createRecorder() of @veil/core.');
    }
    if (Object.keys(recorderOptions).length) {
      throw new Error(
        '[veil] createVeil(): pass either recorder options or { recorder }, not both: a recorder created elsewhere keeps its own options.',
      );
    }
  }
  const recorder = given ?? createRecorder(recorderOptions as RecorderOptions);

  return {
    recorder,
    install(app) {
      app.provide(recorderKey, recorder);
      app.directive('sensitive', vSensitive);
      app.directive('no-record', vNoRecord);
      app.directive('unmask', vUnmask);
      // Records only in the browser; on the server the recorder stays idle.
      if (typeof document === 'undefined') return;
      if (autoStart) recorder.start();
      // A recorder this plugin created or started belongs to the app: stop it
      // (sending what it still holds) when the app unmounts.
      if (autoStart || !given) app.onUnmount(() => recorder.stop());
      if (!inProduction() && new URLSearchParams(location.search).has('veil-xray')) showXray(app, recorderOptions);
    },
  };
}
