// The Vue demo: a pretend shop recorded through @veil/vue, next to a live
// replay of exactly what the recorder's transport received.
//
// The shop is one Vue app with the Veil plugin. Switching the privacy mode
// unmounts it (the plugin stops its recorder, sending what it held) and mounts
// a new one with a new recorder: a new session in the new mode. The replay is a
// second app that lives on, marked v-no-record so it is never recorded itself.
//
// For tests and the curious: window.__veilBatches holds every batch the
// transport received; window.__veilDemo has mode, recorder, flush() and switchMode().
import { createApp, type App as VueApp } from 'vue';
import { DEFAULT_PRIVACY_MODE } from '@veil/core';
import { createVeil, type PrivacyMode, type Recorder, type RecordingBatch } from '@veil/vue';
import App from './App.vue';
import ReplayPanel from './components/ReplayPanel.vue';
import { MODES, batches, transport } from './recording';
import './styles.css';

declare global {
  interface Window {
    __veilBatches: RecordingBatch[];
    __veilDemo: {
      readonly mode: PrivacyMode;
      readonly recorder: Recorder;
      flush(): Promise<void>;
      switchMode(mode: PrivacyMode): void;
    };
  }
}

let shop: VueApp | undefined;
let recorder: Recorder;
let mode: PrivacyMode = initialMode();

function initialMode(): PrivacyMode {
  const asked = new URLSearchParams(location.search).get('privacy');
  return MODES.find((m) => m === asked) ?? DEFAULT_PRIVACY_MODE;
}

function mountShop(next: PrivacyMode): void {
  // The plugin stops the old recorder when its app unmounts.
  shop?.unmount();
  mode = next;
  const veil = createVeil({
    privacy: next,
    requireConsent: true,
    transport,
    // short batches, so that the replay follows closely (the default is 5 s)
    flushInterval: 1000,
    onError: (error: unknown) => console.error('[veil demo] recording stopped:', error),
  });
  recorder = veil.recorder;
  shop = createApp(App, { mode: next, onSwitchMode: switchMode }).use(veil);
  shop.mount('#shop');
}

function switchMode(next: PrivacyMode): void {
  if (!MODES.includes(next)) throw new Error(`[veil demo] unknown privacy mode "${next}"`);
  if (next === mode && shop) return;
  mountShop(next);
  const url = new URL(location.href);
  url.searchParams.set('privacy', next);
  history.replaceState(history.state, '', url);
}

window.__veilBatches = batches;
window.__veilDemo = {
  get mode() {
    return mode;
  },
  get recorder() {
    return recorder;
  },
  flush: () => recorder.flush(),
  switchMode,
};

createApp(ReplayPanel, { onFlush: () => recorder.flush() }).mount('#replay');
mountShop(mode);
