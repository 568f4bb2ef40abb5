// How a batch is kept on disk: one gzip-compressed JSON array of its scrubbed
// events. The pipeline encodes it, the rebuild of a scrubber and the viewer
// decode it; nothing else knows the format.
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { RecordedEvent } from '@veil/core/engine';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** The stored form of a batch's events. */
export async function encodeBlob(events: RecordedEvent[]): Promise<Buffer> {
  return gzipAsync(JSON.stringify(events));
}

/**
 * The events of a stored batch.
 *
 * @example
 * for (const batch of await storage.getBatches(siteId, sessionId)) events.push(...(await decodeBlob(batch.blob)));
 */
export async function decodeBlob(blob: Buffer): Promise<RecordedEvent[]> {
  return JSON.parse((await gunzipAsync(blob)).toString('utf8')) as RecordedEvent[];
}
