import type { UrlTransportEnvironment } from './url-transport';
import type { RecordingBatch } from '../engine/protocol';
import type { Transport, UrlTransportOptions } from './types';

/**
 * The URL transport, loaded on demand: pages that hand batches to a function
 * never download compression, retries and beacons, and pages that do load
 * them while recording starts, not before.
 */
export function lazyUrlTransport(options: UrlTransportOptions, env: UrlTransportEnvironment): Transport & { preload(): void } {
  let real: Transport | undefined;
  let loading: Promise<Transport> | undefined;
  const load = () =>
    (loading ??= import('./url-transport').then((m) => {
      real = m.createUrlTransport(options, env);
      return real;
    }));
  return {
    preload() {
      void load().catch(env.report);
    },
    send: (batch) => load().then((t) => t.send(batch)),
    sendFinal(batch: RecordingBatch) {
      if (real) return real.sendFinal!(batch);
      // the page is leaving before the transport arrived: one plain beacon, best effort
      try {
        navigator.sendBeacon?.(options.url, new Blob([JSON.stringify({ ...batch, siteKey: options.siteKey })], { type: 'text/plain;charset=UTF-8' }));
      } catch {
        // nothing more can be done while the page unloads
      }
    },
    flush: () => (loading ? loading.then((t) => t.flush?.()) : Promise.resolve()),
    close(discard) {
      real?.close?.(discard);
    },
  };
}
