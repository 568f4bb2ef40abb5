import {
  DestroyRef,
  Injector,
  NgZone,
  PLATFORM_ID,
  afterNextRender,
  inject,
  isDevMode,
  makeEnvironmentProviders,
  provideEnvironmentInitializer,
  type EnvironmentProviders,
} from '@angular/core';
import { isPlatformBrowser } from '@angular/common';
import type { ExplainOptions } from '@veil/core/explain';
import { VEIL_OPTIONS } from '@veil/angular';
import { openXray, xrayAsked, xrayOptions } from './xray';

/** What `provideVeilXray()` takes. */
export interface VeilXrayOptions {
  /**
   * `true`: show the X-ray from the first render. By default it shows when
   * the page's URL has `?veil-xray`. `false`: never (not even with the query).
   */
  show?: boolean;
  /** What to show, if not the options of `provideVeil()` / `VeilModule.forRoot()` (`privacy`, `mask`, `block`, `unmask`, `recordInputs`). */
  options?: ExplainOptions;
}

/**
 * Draws Veil's X-ray (`@veil/core/xray`) over the whole application from its
 * first render until it is destroyed: what the options of `provideVeil()`
 * record, outlined. Development only: in production mode (`isDevMode()`
 * false) and on the server it loads and draws nothing, and the overlay is
 * loaded on demand, never with the recorder. Still, add it only to
 * development builds' providers, so production bundles do not carry it.
 *
 * @example
 * bootstrapApplication(AppComponent, {
 *   providers: [provideVeil({ transport: '/v1/ingest' }), provideVeilXray()],
 * });
 */
export function provideVeilXray(options: VeilXrayOptions = {}): EnvironmentProviders {
  if (typeof options !== 'object' || options === null) {
    throw new Error(
      '[veil] provideVeilXray(options) expects nothing or an options object, e.g. provideVeilXray({ show: true }) ' +
        "or provideVeilXray({ options: { privacy: 'balanced' } }).",
    );
  }
  return makeEnvironmentProviders([provideEnvironmentInitializer(() => showXrayIfWanted(options))]);
}

function showXrayIfWanted({ show, options }: VeilXrayOptions): void {
  if (!isDevMode() || !isPlatformBrowser(inject(PLATFORM_ID))) return;
  if (!(show ?? xrayAsked())) return;
  const setup = inject(VEIL_OPTIONS, { optional: true });
  const zone = inject(NgZone);
  let close: (() => void) | null = null;
  // after the first render: the overlay outlines what the application shows
  afterNextRender(
    () => {
      close = openXray(zone, xrayOptions(options ?? setup));
    },
    { injector: inject(Injector) },
  );
  inject(DestroyRef).onDestroy(() => close?.());
}
