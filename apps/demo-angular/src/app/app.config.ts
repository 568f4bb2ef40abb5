import {
  inject,
  provideAppInitializer,
  provideBrowserGlobalErrorListeners,
  provideZonelessChangeDetection,
  type ApplicationConfig,
} from '@angular/core';
import { VeilRecorder, provideVeil } from '@veil/angular';
import { ConsentChoice } from './consent-choice.service';
import { PRIVACY_MODE } from './privacy-mode';
import { SentBatches } from './sent-batches.service';

declare global {
  interface Window {
    /** Controls for the end-to-end test and the curious. */
    __veilDemo?: {
      readonly mode: string;
      readonly state: string;
      readonly sessionId: string | null;
      flush(): Promise<void>;
    };
  }
}

export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    provideZonelessChangeDetection(),
    // One recorder for the app. The options come from a function so that the
    // transport can be a service of the app (a real app would pass its
    // collector's URL instead).
    provideVeil(() => {
      const sent = inject(SentBatches);
      return {
        privacy: inject(PRIVACY_MODE),
        requireConsent: true,
        transport: sent.receive,
        // Short batches so that the replay panel follows closely (the default is 5 s).
        flushInterval: 1000,
        onError: (error) => sent.error.set(`Recording stopped: ${error instanceof Error ? error.message : String(error)}`),
      };
    }),
    provideAppInitializer(() => {
      inject(ConsentChoice); // applies an answer given earlier in this tab
      const veil = inject(VeilRecorder);
      const mode = inject(PRIVACY_MODE);
      window.__veilDemo = {
        mode,
        get state() {
          return veil.state();
        },
        get sessionId() {
          return veil.sessionId();
        },
        flush: () => veil.flush(),
      };
    }),
  ],
};
