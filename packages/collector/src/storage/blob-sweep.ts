// The orphan sweep of the object store (`veil-collector blobs sweep`). An
// ingest writes a batch's object before its row (see writeBatchWithBlob), so
// a crash between the two, or a failed clean-up of a refused duplicate,
// leaves an object no `batches.blob_key` points to. Nothing reads such an
// object; the sweep finds and deletes them.
import { parseBatchObjectKey, type BatchObjectOwner, type BlobStore } from './blob-store';
import type { Storage } from './types';

export const DEFAULT_SWEEP_GRACE_HOURS = 24;

export interface BlobSweepOptions {
  /**
   * Objects written less than this long ago (ms) are kept even without a
   * row: the ingest that wrote one may not have written its row yet.
   */
  olderThanMs: number;
  /** Count what would be deleted, delete nothing. */
  dryRun?: boolean;
  /** Default Date.now. */
  now?: () => number;
  /** Objects per listing page (and per database lookup); default the store's, 1000 for S3. */
  pageSize?: number;
}

export interface BlobSweepReport {
  /** Objects under the store's prefix. */
  listed: number;
  /** Kept: a batch row holds their key. */
  referenced: number;
  /** No row holds their key and they are older than the grace period: deleted, or with dryRun, to be deleted. */
  orphans: number;
  /** Of the orphans, how many were deleted (0 in a dry run). */
  deleted: number;
  /** Deleted orphans by the site id in their key, for the audit log. */
  deletedBySite: Map<number, number>;
  /** Kept: no row holds their key, but they are younger than the grace period (or their age is unknown). */
  young: number;
  /** Kept: keys of a shape the collector does not write (someone else's files under the prefix). */
  foreign: number;
  /** Listing pages read. */
  pages: number;
}

/** The sweep stopped (the store or the database failed); `report` says what it had done until then. */
export class BlobSweepError extends Error {
  constructor(
    message: string,
    readonly report: BlobSweepReport,
    options: { cause: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Deletes the objects under the store's prefix that no batch row points to,
 * a listing page at a time: each page's keys are looked up in the database
 * in one query. Kept are the objects a row points to, the young ones (the
 * grace period is what protects an ingest in progress, whose object exists
 * before its row), and every object whose key is not one the collector
 * writes. The prefix must be this database's alone: objects another
 * database's collector wrote there look like orphans here.
 *
 * @example
 * const report = await sweepOrphanBlobs(storage, store, { olderThanMs: 24 * 3600_000, dryRun: true });
 */
export async function sweepOrphanBlobs(storage: Storage, store: BlobStore, options: BlobSweepOptions): Promise<BlobSweepReport> {
  if (!(Number.isFinite(options.olderThanMs) && options.olderThanMs >= 0)) {
    throw new Error(`olderThanMs must be a non-negative number of milliseconds, got ${options.olderThanMs}.`);
  }
  const now = options.now ?? Date.now;
  const report: BlobSweepReport = {
    listed: 0,
    referenced: 0,
    orphans: 0,
    deleted: 0,
    deletedBySite: new Map(),
    young: 0,
    foreign: 0,
    pages: 0,
  };
  // Old means written a grace period before the sweep began, so every row lookup comes at least that long after its object was written.
  const cutoff = now() - options.olderThanMs;
  let step = 'listing the objects';
  try {
    for await (const page of store.list(options.pageSize)) {
      report.pages++;
      report.listed += page.length;
      const ours: (BatchObjectOwner & { key: string; lastModified: number | null })[] = [];
      for (const object of page) {
        const owner = parseBatchObjectKey(object.key);
        if (owner) ours.push({ ...owner, ...object });
        else report.foreign++;
      }
      step = 'looking the keys up in the database';
      const referenced = await storage.referencedBlobKeys(ours);
      const orphans: typeof ours = [];
      for (const object of ours) {
        if (referenced.has(object.key)) report.referenced++;
        else if (object.lastModified === null || object.lastModified > cutoff) report.young++;
        else orphans.push(object);
      }
      report.orphans += orphans.length;
      if (!options.dryRun && orphans.length > 0) {
        step = 'deleting orphans';
        await store.delete(orphans.map((o) => o.key));
        report.deleted += orphans.length;
        for (const { siteId } of orphans) report.deletedBySite.set(siteId, (report.deletedBySite.get(siteId) ?? 0) + 1);
      }
      step = 'listing the objects';
    }
  } catch (error) {
    throw new BlobSweepError(
      `[veil] The sweep of ${store.location} stopped while ${step}: ${(error as Error).message}`.replace(/\.?$/, '.'),
      report,
      { cause: error },
    );
  }
  return report;
}
