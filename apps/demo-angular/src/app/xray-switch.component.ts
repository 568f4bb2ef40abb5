import { ChangeDetectionStrategy, Component, NgZone, effect, inject, signal } from '@angular/core';
import { PRIVACY_MODE } from './privacy-mode';

/**
 * Shows Veil's X-ray over the demo: what the page's privacy mode records,
 * outlined. The demo loads @veil/core/xray itself rather than <veil-xray>,
 * which draws nothing in production mode: here the overlay is the point, in
 * every build. Loaded on demand (the recorder's bundle stays without it) and
 * outside the Angular zone (its redraws need no change detection).
 */
@Component({
  selector: 'app-xray-switch',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <label class="xray-switch">
      <input id="xray-switch" type="checkbox" role="switch" [checked]="on()" (change)="on.set($any($event.target).checked)" />
      <span>X-ray: show what is recorded</span>
    </label>
  `,
})
export class XraySwitchComponent {
  protected readonly on = signal(false);

  constructor() {
    const mode = inject(PRIVACY_MODE);
    const zone = inject(NgZone);
    effect((onCleanup) => {
      if (!this.on()) return;
      let overlay: { destroy(): void } | undefined;
      let off = false;
      zone.runOutsideAngular(() =>
        import('@veil/core/xray').then(({ xray }) => {
          if (!off) overlay = xray({ privacy: mode, corner: 'bottom-left' });
        }),
      );
      onCleanup(() => {
        off = true;
        overlay?.destroy();
      });
    });
  }
}
