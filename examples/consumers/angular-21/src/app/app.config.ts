import { type ApplicationConfig, provideBrowserGlobalErrorListeners, provideZonelessChangeDetection } from '@angular/core';
import { provideClientHydration, withEventReplay } from '@angular/platform-browser';
import { provideRouter } from '@angular/router';
import { provideVeil } from '@veil/angular';

export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    provideZonelessChangeDetection(),
    provideRouter([]),
    provideClientHydration(withEventReplay()),
    // on the server no recorder is created; the directives still render their markers.
    // The transport is a path on this site, handled in src/server.ts.
    provideVeil({ privacy: 'relaxed', transport: '/api/veil', requireConsent: true, flushInterval: 1000 }),
  ],
};
