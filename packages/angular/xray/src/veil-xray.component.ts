import { Component, NgZone, PLATFORM_ID, effect, inject, input, isDevMode, signal, type Signal } from '@angular/core';
import { isPlatformBrowser } from '@angular/common';
import type { ExplainOptions } from '@veil/core/explain';
import type { Xray } from '@veil/core/xray';
import { VEIL_OPTIONS } from '@veil/angular';
import { openXray, xrayOptions } from './xray';

/**
 * `<veil-xray />` draws Veil's X-ray over the page while it is in the view
 * (`@veil/core/xray`): every field and text outlined in the colour of what is
 * recorded, a legend with counts and a privacy-mode switch, the rule that
 * decided on hover. It shows what the options of `provideVeil()` record,
 * or `[options]` when given. Development only: in production mode
 * (`isDevMode()` false) and on the server it loads and draws nothing, and
 * the overlay is loaded on demand, never with the recorder.
 *
 * Put it behind a switch (`@if (showXray) { <veil-xray /> }`), or use
 * `provideVeilXray({ show: true })` to show it from the start.
 *
 * @example
 * @Component({
 *   imports: [VeilXrayComponent],
 *   template: `@if (xray()) { <veil-xray [options]="{ privacy: 'balanced' }" /> }`,
 * })
 * export class DevTools {
 *   readonly xray = signal(false);
 * }
 */
@Component({
  selector: 'veil-xray',
  template: '',
  host: { style: 'display: none' },
})
export class VeilXrayComponent {
  /** What to show, if not the options of `provideVeil()` / `VeilModule.forRoot()` (`privacy`, `mask`, `block`, `unmask`, `recordInputs`). */
  readonly options = input<ExplainOptions | undefined>(undefined);

  private readonly drawn = signal<Xray | null>(null);
  /** The overlay once it is drawn (`counts()`, `setPrivacy()`, …); `null` before, in production and on the server. */
  readonly xray: Signal<Xray | null> = this.drawn.asReadonly();

  constructor() {
    const setup = inject(VEIL_OPTIONS, { optional: true });
    const zone = inject(NgZone);
    if (!isDevMode() || !isPlatformBrowser(inject(PLATFORM_ID))) return;
    // an effect runs in the browser after the first render, and again (redrawn) when the options change
    effect((onCleanup) => {
      const close = openXray(zone, xrayOptions(this.options() ?? setup), (xray) => this.drawn.set(xray));
      onCleanup(close);
    });
  }
}
