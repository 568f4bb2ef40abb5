import { useEffect, type ReactElement } from 'react';
import type { ExplainOptions } from '@veil/core/explain';
import { inProduction } from './production';

/** Props of {@link VeilXray}. */
export interface VeilXrayProps {
  /** The options your recorder is created with (`privacy`, `mask`, `block`, `unmask`): the overlay shows what they record. */
  options?: ExplainOptions;
}

/**
 * Draws Veil's X-ray over the page while it is mounted (`@veil/core/xray`):
 * every field and text outlined in the colour of what is recorded, the rule
 * that decided on hover. Development only: renders nothing and loads nothing
 * in a production build, and the overlay is loaded on demand, never with the
 * recorder.
 *
 * @example
 * {import.meta.env.DEV && showXray && <VeilXray options={{ privacy: 'relaxed' }} />}
 */
export function VeilXray({ options }: VeilXrayProps): ReactElement | null {
  const key = JSON.stringify(options ?? {});
  useEffect(() => {
    if (inProduction()) return;
    let overlay: { destroy(): void } | undefined;
    let unmounted = false;
    import('@veil/core/xray').then(
      ({ xray }) => {
        if (!unmounted) overlay = xray(JSON.parse(key));
      },
      (error: unknown) => console.warn('[veil] <VeilXray> could not load @veil/core/xray:', error),
    );
    return () => {
      unmounted = true;
      overlay?.destroy();
    };
  }, [key]);
  return null;
}
