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
  return (await encodeBlobSized(events)).blob;
}

/** The stored form, and the size of its JSON (what a scrubber's memory grows with). */
export async function encodeBlobSized(events: RecordedEvent[]): Promise<{ blob: Buffer; jsonBytes: number }> {
  const json = JSON.stringify(events);
  return { blob: await gzipAsync(json), jsonBytes: json.length };
}

/** The events of a stored batch and the size of their JSON. */
export async function decodeBlobSized(blob: Buffer): Promise<{ events: RecordedEvent[]; jsonBytes: number }> {
  const json = (await gunzipAsync(blob)).toString('utf8');
  return { events: JSON.parse(json) as RecordedEvent[], jsonBytes: json.length };
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
