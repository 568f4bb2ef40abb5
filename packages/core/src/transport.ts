import type { RecordingBatch, Transport, TransportFunction } from './types';

/**
 * Sends batches as JSON to an ingest URL with `fetch` (and `sendBeacon` when
 * the page is going away). Compression, retries and memory bounds are the
 * subject of docs/protocol.md and grow here.
 */
export function createUrlTransport(url: string): Transport {
  const post = (batch: RecordingBatch) =>
    fetch(url, {
      method: 'POST',
      body: JSON.stringify(batch),
      headers: { 'content-type': 'application/json' },
      keepalive: true,
      credentials: 'omit',
    }).then((res) => {
      if (!res.ok) throw new Error(`[veil] ingest answered ${res.status} for batch ${batch.seq}`);
    });
  return {
    send: post,
    sendFinal(batch) {
      const body = JSON.stringify(batch);
      if (typeof navigator !== 'undefined' && navigator.sendBeacon?.(url, new Blob([body], { type: 'application/json' }))) return;
      void post(batch).catch(() => undefined);
    },
  };
}

export function toTransport(option: TransportFunction | Transport | string): Transport {
  if (typeof option === 'string') return createUrlTransport(option);
  if (typeof option === 'function') return { send: option };
  return option;
}
