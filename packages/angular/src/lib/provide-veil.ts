import { inject, isDevMode, makeEnvironmentProviders, provideEnvironmentInitializer, type EnvironmentProviders } from '@angular/core';
import { warnOnce } from '@veil/core';
import { VEIL_OPTIONS, VEIL_SETUP, type VeilOptions, type VeilOptionsInput } from './veil-options';
import { VeilRecorder } from './veil-recorder.service';

/** How Veil was set up, for the duplicate check. */
export type VeilSetupKind = 'provideVeil' | 'VeilModule.forRoot';

/** The providers behind both `provideVeil()` and `VeilModule.forRoot()`. */
export function veilProviders(options: VeilOptionsInput, kind: VeilSetupKind): EnvironmentProviders {
  if (typeof options !== 'function' && (typeof options !== 'object' || options === null)) {
    throw new Error(
      `[veil] ${kind}(options) expects an options object with at least a transport, ` +
        `e.g. ${kind}({ transport: 'https://collector.example.com/v1/ingest' }), or a function that returns one.`,
    );
  }
  return makeEnvironmentProviders([
    typeof options === 'function'
      ? { provide: VEIL_OPTIONS, useFactory: options }
      : { provide: VEIL_OPTIONS, useValue: options satisfies VeilOptions },
    { provide: VEIL_SETUP, multi: true, useValue: kind },
    VeilRecorder,
    provideEnvironmentInitializer(() => {
      checkSingleSetup(kind);
      // Created eagerly: the recorder watches password fields from the start, and
      // with autoStart it starts after the first render without anyone injecting it.
      inject(VeilRecorder);
    }),
  ]);
}

function checkSingleSetup(kind: VeilSetupKind): void {
  const here = inject(VEIL_SETUP);
  const above = inject(VEIL_SETUP, { skipSelf: true, optional: true });
  // Angular's idiom for development checks: isDevMode(), not the bundler's NODE_ENV
  if ((here.length < 2 && !above) || !isDevMode()) return;
  const fix =
    kind === 'VeilModule.forRoot'
      ? 'Import VeilModule.forRoot() once, in the root module; elsewhere import VeilModule (the directives) without forRoot.'
      : 'Call provideVeil() once, in the application providers (or VeilModule.forRoot() once in the root module, not both).';
  warnOnce(
    'setup-twice',
    `Veil is set up more than once (${[...(above ?? []), ...here].join(', ')}). ` +
      `The later set-up's options replace the earlier ones, and a second recorder in a child injector cannot record while the first one does. ${fix}`,
  );
}

/**
 * Sets up Veil in a standalone application: one recorder for the whole app,
 * `VeilRecorder` to inject, recording outside the Angular zone and only in the
 * browser, started after the first render (see `autoStart`) and stopped when
 * the application is destroyed. Pass the options, or a function returning them
 * that may `inject()` services.
 *
 * @example
 * bootstrapApplication(AppComponent, {
 *   providers: [
 *     provideVeil({
 *       privacy: 'strict',
 *       transport: 'https://collector.example.com/v1/ingest',
 *       requireConsent: true,
 *     }),
 *   ],
 * });
 */
export function provideVeil(options: VeilOptionsInput): EnvironmentProviders {
  return veilProviders(options, 'provideVeil');
}
