import type { BlobStore } from './blob-store';
import { createPostgresStorage } from './postgres';
import { createS3BlobStore } from './s3';
import { createSqliteStorage } from './sqlite';
import type { Storage } from './types';

/** True for a `postgres://` or `postgresql://` connection string. */
export const isPostgresUrl = (database: string) => /^postgres(ql)?:\/\//i.test(database);

export interface OpenStorageOptions {
  /** `s3://bucket/prefix` (--blob-store), or a store made already: batch blobs go there instead of the database. */
  blobStore?: string | BlobStore;
  /** The S3-compatible service's address (--blob-store-endpoint); only with a `blobStore` URL. */
  blobStoreEndpoint?: string;
}

/**
 * Opens the storage a `--database` value names: a PostgreSQL connection string,
 * or else a SQLite file path (`sqlite:` prefix optional). Does not migrate.
 *
 * @example
 * const storage = openStorage('postgres://veil@127.0.0.1/veil', { blobStore: 's3://veil-recordings/prod' });
 */
export function openStorage(database: string, options: OpenStorageOptions = {}): Storage {
  if (options.blobStoreEndpoint !== undefined && typeof options.blobStore !== 'string') {
    throw new Error('--blob-store-endpoint needs --blob-store s3://<bucket>/<prefix> too.');
  }
  const blobStore =
    typeof options.blobStore === 'string'
      ? createS3BlobStore({ url: options.blobStore, endpoint: options.blobStoreEndpoint })
      : options.blobStore;
  if (isPostgresUrl(database)) return createPostgresStorage({ connectionString: database, blobStore });
  return createSqliteStorage({ filename: database.replace(/^sqlite:/i, ''), blobStore });
}
