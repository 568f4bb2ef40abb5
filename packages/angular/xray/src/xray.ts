import type { NgZone } from '@angular/core';
import type { ExplainOptions } from '@veil/core/explain';
import type { Xray } from '@veil/core/xray';

/** The options the X-ray reads; a recorder's others (transport, autoStart …) are left out. */
export function xrayOptions(options: ExplainOptions | null | undefined): ExplainOptions {
  const { privacy, mask, block, unmask, recordInputs } = options ?? {};
  return { privacy, mask, block, unmask, recordInputs };
}

/** Whether the page was opened with `?veil-xray`. */
export function xrayAsked(): boolean {
  return typeof location !== 'undefined' && new URLSearchParams(location.search).has('veil-xray');
}

/**
 * Loads `@veil/core/xray` on demand (it is never in the recorder's bundle)
 * and draws it outside the Angular zone: its redraws on scroll, pointer moves
 * and DOM changes must not run change detection. Returns a function that
 * removes it, also before it has loaded.
 */
export function openXray(zone: NgZone, options: ExplainOptions, drawn?: (xray: Xray | null) => void): () => void {
  let xray: Xray | null = null;
  let closed = false;
  zone.runOutsideAngular(() =>
    import('@veil/core/xray').then(
      (module) => {
        if (closed) return;
        xray = module.xray(options);
        drawn?.(xray);
      },
      (error: unknown) => console.warn('[veil] The X-ray could not load @veil/core/xray:', error),
    ),
  );
  return () => {
    closed = true;
    xray?.destroy();
    xray = null;
    drawn?.(null);
  };
}
