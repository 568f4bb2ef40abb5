import { createRequire } from 'node:module';
import type * as S3 from '@aws-sdk/client-s3';
import type { BlobStore } from './blob-store';

type S3Module = Pick<
  typeof S3,
  'S3Client' | 'PutObjectCommand' | 'GetObjectCommand' | 'DeleteObjectsCommand' | 'HeadBucketCommand' | 'ListObjectsV2Command'
>;

/**
 * The AWS SDK's S3 client, `@aws-sdk/client-s3`: an optional peer dependency,
 * loaded only when --blob-store is given, so that other users do not install it.
 */
export function s3Driver(load: (name: string) => unknown = createRequire(import.meta.url)): S3Module {
  try {
    return load('@aws-sdk/client-s3') as S3Module;
  } catch (error) {
    if ((error as { code?: string }).code !== 'MODULE_NOT_FOUND') throw error;
    throw new Error(
      '[veil] --blob-store needs the AWS SDK S3 client: install it next to the collector with `npm install @aws-sdk/client-s3`.',
      { cause: error },
    );
  }
}

export interface S3BlobStoreOptions {
  /** `s3://bucket` or `s3://bucket/prefix`. */
  url: string;
  /**
   * An S3-compatible service's address (MinIO and the like), addressed
   * path-style. Default: the SDK's AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, else AWS.
   */
  endpoint?: string;
}

/** Splits `s3://bucket/prefix` into the bucket and a prefix that ends in `/` (or is empty). */
export function parseBlobStoreUrl(url: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
  if (!match) {
    throw new Error(
      `--blob-store must be s3://<bucket> or s3://<bucket>/<prefix> (a bucket name in lower case), got ${JSON.stringify(url)}.`,
    );
  }
  const prefix = (match[2] ?? '').replace(/^\/+|\/+$/g, '');
  return { bucket: match[1], prefix: prefix ? `${prefix}/` : '' };
}

const DELETE_AT_ONCE = 1000; // DeleteObjects' limit
const LIST_AT_ONCE = 1000; // ListObjectsV2's limit

/**
 * Batch blobs in an S3 bucket (AWS, or any S3-compatible service with an
 * endpoint). Credentials and region come from the SDK's usual chain:
 * environment (AWS_ACCESS_KEY_ID, AWS_REGION…), shared config files, the
 * instance or container role.
 *
 * @example
 * const store = createS3BlobStore({ url: 's3://veil-recordings/prod', endpoint: 'http://127.0.0.1:9000' });
 */
export function createS3BlobStore(options: S3BlobStoreOptions): BlobStore {
  const { bucket, prefix } = parseBlobStoreUrl(options.url);
  const endpoint = options.endpoint ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
  if (endpoint !== undefined && !/^https?:\/\/[^/]/.test(endpoint)) {
    throw new Error(`--blob-store-endpoint must be an http:// or https:// address, got ${JSON.stringify(endpoint)}.`);
  }
  const driver = s3Driver();
  const client = new driver.S3Client({
    ...(endpoint
      ? {
          endpoint,
          // S3-compatible services rarely resolve bucket subdomains; they all take the bucket in the path.
          forcePathStyle: true,
          // They need a region to sign with but do not care which: the chain's, else the usual default.
          region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
        }
      : {}),
    // Checksums only where S3 demands them: many compatible services reject the newer trailing ones.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const location = `s3://${bucket}/${prefix}`;

  return {
    location,
    async check() {
      try {
        await client.send(new driver.HeadBucketCommand({ Bucket: bucket }));
      } catch (error) {
        throw new Error(
          `[veil] The object store ${location} cannot be reached (${(error as Error).name}: ${(error as Error).message}): ` +
            'check that the bucket exists, the region (AWS_REGION), the credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE) ' +
            'and, for an S3-compatible service, --blob-store-endpoint.',
          { cause: error },
        );
      }
    },
    async put(key, body) {
      await client.send(new driver.PutObjectCommand({ Bucket: bucket, Key: prefix + key, Body: body, ContentType: 'application/gzip' }));
    },
    async get(key) {
      const { Body } = await client.send(new driver.GetObjectCommand({ Bucket: bucket, Key: prefix + key }));
      if (!Body) throw new Error(`[veil] The object ${location}${key} came back empty.`);
      return Buffer.from(await Body.transformToByteArray());
    },
    async delete(keys) {
      for (let i = 0; i < keys.length; i += DELETE_AT_ONCE) {
        const objects = keys.slice(i, i + DELETE_AT_ONCE).map((key) => ({ Key: prefix + key }));
        const { Errors } = await client.send(
          new driver.DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } }),
        );
        if (Errors?.length) {
          const [first] = Errors;
          throw new Error(
            `[veil] The object store did not delete ${Errors.length} objects, e.g. ${first.Key}: ${first.Code} ${first.Message}.`,
          );
        }
      }
    },
    async *list(pageSize = LIST_AT_ONCE) {
      if (!(Number.isInteger(pageSize) && pageSize >= 1 && pageSize <= LIST_AT_ONCE)) {
        throw new Error(`pageSize must be a whole number from 1 to ${LIST_AT_ONCE}, got ${pageSize}.`);
      }
      let token: string | undefined;
      do {
        const page = await client.send(
          new driver.ListObjectsV2Command({ Bucket: bucket, Prefix: prefix || undefined, MaxKeys: pageSize, ContinuationToken: token }),
        );
        yield (page.Contents ?? []).flatMap(({ Key, LastModified }) =>
          Key?.startsWith(prefix) ? [{ key: Key.slice(prefix.length), lastModified: LastModified?.getTime() ?? null }] : [],
        );
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    },
    close() {
      client.destroy();
    },
  };
}
