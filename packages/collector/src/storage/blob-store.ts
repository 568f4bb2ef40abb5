// Recordings in an object store (--blob-store): the database keeps each
// batch's metadata and the key of its object; the gzip blob itself (see
// recordings/blob.ts) lives in an S3-compatible bucket. Both databases use the
// helpers below, so the order of writes and deletions is decided once.
import { randomBytes } from 'node:crypto';
import type { BatchWrite, StoredBatch, WriteResult } from './types';

/** Where batch blobs go when they do not stay in the database. */
export interface BlobStore {
  /** `s3://bucket/prefix`, for messages. */
  readonly location: string;
  /** Fails, saying what to fix, when the bucket cannot be reached with the credentials at hand. */
  check(): Promise<void>;
  put(key: string, body: Buffer): Promise<void>;
  get(key: string): Promise<Buffer>;
  /** Deleting a key that is not there is no error. */
  delete(keys: string[]): Promise<void>;
  /**
   * Every object under the prefix, whoever wrote it, one listing page at a
   * time (`pageSize`: at most 1000, S3's limit and default), in key order.
   */
  list(pageSize?: number): AsyncIterable<ListedObject[]>;
  close(): void;
}

/** One object under a store's prefix, as a listing gives it. */
export interface ListedObject {
  /** Relative to the prefix, like the keys the collector writes. */
  key: string;
  /** When the object was written (ms, the store's clock); null when the store does not say. */
  lastModified: number | null;
}

/** A stored batch as a database row gives it: the blob inline, or the key of its object. */
export interface StoredBatchRow extends StoredBatch {
  blobKey: string | null;
}

/** What a database keeps in `batches.blob` for a batch whose blob is in the object store (the column is NOT NULL). */
export const EXTERNAL_BLOB = Buffer.alloc(0);

// Session ids are any printable ASCII: everything but letters, digits, `_`
// and `-` becomes `~XX`, so a key has no `/`, `..` or characters a server
// signs differently.
const keySafe = (id: string) => id.replace(/[^A-Za-z0-9_-]/g, (ch) => `~${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);

/** The batch an object's key was made for (see batchObjectKey). */
export interface BatchObjectOwner {
  siteId: number;
  sessionId: string;
  seq: number;
}

/**
 * A fresh key for one batch's object, relative to the store's prefix. The
 * random tail makes every write its own object: a batch raced by two
 * instances never overwrites the one that was acknowledged, and the loser
 * deletes its own object (see writeBatchWithBlob).
 */
export function batchObjectKey(siteId: number, sessionId: string, seq: number): string {
  return `sites/${siteId}/sessions/${keySafe(sessionId)}/${seq}-${randomBytes(6).toString('hex')}.json.gz`;
}

const BATCH_OBJECT_KEY =
  /^sites\/([1-9][0-9]{0,9})\/sessions\/((?:[A-Za-z0-9_-]|~[0-9a-f]{2})+)\/(0|[1-9][0-9]{0,9})-[0-9a-f]{12}\.json\.gz$/;
const MAX_INTEGER_COLUMN = 2147483647; // site ids and sequence numbers are INTEGER columns

/**
 * The batch a key names, when the key is exactly one batchObjectKey makes
 * (the canonical spelling of a session id, numbers in range); null for any
 * other object, which the collector did not write.
 */
export function parseBatchObjectKey(key: string): BatchObjectOwner | null {
  const match = BATCH_OBJECT_KEY.exec(key);
  if (!match) return null;
  const siteId = Number(match[1]);
  const seq = Number(match[3]);
  if (siteId > MAX_INTEGER_COLUMN || seq > MAX_INTEGER_COLUMN) return null;
  const sessionId = match[2].replace(/~([0-9a-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  if (keySafe(sessionId) !== match[2]) return null;
  return { siteId, sessionId, seq };
}

/**
 * Writes the object first, then the row: an acknowledged batch never points
 * to a missing object. When the row is not written (a duplicate that lost a
 * race, the database failing), the object is deleted again unless the row
 * turns out to be there after all (a commit whose answer was lost); a crash
 * in between leaves an unreferenced object, never a dangling row.
 */
export async function writeBatchWithBlob(
  batch: BatchWrite,
  store: BlobStore | undefined,
  write: (batch: BatchWrite, blobKey: string | null) => Promise<WriteResult>,
  rowHasBlobKey: (batch: BatchWrite, blobKey: string) => Promise<boolean>,
): Promise<WriteResult> {
  if (!store) return write(batch, null);
  const key = batchObjectKey(batch.siteId, batch.sessionId, batch.seq);
  await store.put(key, batch.blob);
  try {
    return await write(batch, key);
  } catch (error) {
    const referenced = await rowHasBlobKey(batch, key).catch(() => true);
    if (!referenced) await store.delete([key]).catch(() => undefined);
    throw error;
  }
}

const missingStore = (key: string) =>
  new Error(
    `[veil] This recording is kept in an object store (object ${key}), but the collector was started without one: ` +
      'pass the same --blob-store s3://bucket/prefix (or VEIL_BLOB_STORE) it was recorded with.',
  );

const FETCHES_AT_ONCE = 8;

/** Fills in the blobs kept in the object store, a few fetches at a time, keeping the order. */
export async function loadBlobs(rows: StoredBatchRow[], store: BlobStore | undefined): Promise<StoredBatch[]> {
  const batches: StoredBatch[] = rows.map(({ blobKey: _key, ...batch }) => batch);
  const external = rows.flatMap((row, index) => (row.blobKey === null ? [] : [{ index, key: row.blobKey }]));
  if (external.length > 0 && !store) throw missingStore(external[0].key);
  let next = 0;
  const worker = async () => {
    for (let item = external[next++]; item; item = external[next++]) batches[item.index].blob = await store!.get(item.key);
  };
  await Promise.all(Array.from({ length: Math.min(FETCHES_AT_ONCE, external.length) }, worker));
  return batches;
}

/**
 * Deletes sessions and their objects. The objects of the matching sessions
 * go first, so a failure of the object store fails the deletion while the
 * rows are still there to retry it; then the rows, returning the keys they
 * held, whose objects are deleted too (a batch that arrived in between).
 * Without a store, rows that point into one are refused rather than
 * orphaning their objects.
 */
export async function deleteSessionsWithBlobs(
  store: BlobStore | undefined,
  keysOfMatchingSessions: () => Promise<string[]>,
  deleteRows: () => Promise<{ removed: number; blobKeys: string[] }>,
): Promise<number> {
  const before = await keysOfMatchingSessions();
  if (!store) {
    if (before.length > 0) throw missingStore(before[0]);
    return (await deleteRows()).removed;
  }
  await store.delete(before);
  const { removed, blobKeys } = await deleteRows();
  const deleted = new Set(before);
  await store.delete(blobKeys.filter((key) => !deleted.has(key)));
  return removed;
}
