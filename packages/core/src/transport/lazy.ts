import type { UrlTransportEnvironment } from './url-transport';
import type { RecordingBatch } from '../engine/protocol';
import type { Transport, UrlTransportOptions } from './types';
import { ingestUrl, settingsUrl } from './ingest-url';

/** A transport that can ask its receiver for the site's settings (the URL transport). */
export interface SettingsTransport extends Transport {
  /** Loads the transport, if it is not yet, now that recording starts. */
  preload(): void;
  /** The site's settings as the receiver sent them (the recorder reads them), or `null` when none could be had. */
  fetchSettings(): Promise<unknown>;
}

/**
 * The URL transport, loaded on demand: pages that hand batches to a function
 * never download compression, retries and beacons, and pages that do load
 * them while recording starts, not before.
 */
export function lazyUrlTransport(options: UrlTransportOptions, env: UrlTransportEnvironment): SettingsTransport {
  let real: Transport | undefined;
  let loading: Promise<typeof import('./url-transport')> | undefined;
  // handed over before the transport arrived, in order
  const waiting: RecordingBatch[] = [];
  const load = () =>
    (loading ??= import('./url-transport').then((m) => {
      real = m.createUrlTransport({ ...options, url: ingestUrl(options.url, options.siteKey) }, env);
      for (const batch of waiting.splice(0)) real.send(batch);
      return m;
    }));

  /** The page is leaving before the transport arrived: one plain beacon per batch, best effort. */
  function beaconWaiting() {
    for (const batch of waiting.splice(0)) {
      try {
        const body = JSON.stringify(options.siteKey ? { ...batch, siteKey: options.siteKey } : batch);
        navigator.sendBeacon?.(ingestUrl(options.url, options.siteKey), new Blob([body], { type: 'text/plain;charset=UTF-8' }));
      } catch {
        // nothing more can be done while the page unloads
      }
    }
  }

  return {
    preload() {
      void load().catch(env.report);
    },
    async fetchSettings() {
      const url = settingsUrl(options);
      if (!url) return null;
      const m = await load();
      return m.fetchSiteSettings(url, env);
    },
    send(batch) {
      if (real) return real.send(batch);
      waiting.push(batch);
      return load().then(() => undefined);
    },
    sendFinal(batch: RecordingBatch) {
      if (real) return real.sendFinal!(batch);
      waiting.push(batch);
      beaconWaiting();
    },
    leaving() {
      if (real) real.leaving!();
      else beaconWaiting();
    },
    flush: () => (loading ? loading.then(() => real!.flush?.()) : Promise.resolve()),
    close(discard) {
      if (discard) waiting.length = 0;
      real?.close?.(discard);
    },
  };
}
