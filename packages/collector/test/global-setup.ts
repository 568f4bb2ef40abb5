// One PostgreSQL server for the whole run; each suite creates its own database
// on it. One S3-compatible server too (s3rver, from npm: no Docker, no
// download), with one bucket; each collector that uses it takes its own prefix.
import crypto from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import S3rver from '@20minutes/s3rver';
import type { TestProject } from 'vitest/node';
import { buildIngestWorker } from '../build/ingest-worker.mjs';
import { postgresAvailable, startPostgres, PG_BIN } from './postgres-server.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string | null;
    s3Endpoint: string;
  }
}

const TEST_BUCKET = 'veil-test'; // helpers.ts names it too

/**
 * s3rver seals its ListObjectsV2 continuation tokens with single DES, which
 * OpenSSL 3 only has in its legacy provider: any listing longer than one page
 * fails with a 500. Triple DES with one key three times over is the same
 * cipher, and OpenSSL 3 still has it; nothing else here asks for plain 'des'.
 */
function letS3rverPaginate() {
  const { createCipheriv, createDecipheriv } = crypto;
  const singleDes = (algorithm: string, key: crypto.CipherKey): key is Buffer =>
    algorithm === 'des' && Buffer.isBuffer(key) && key.length === 8;
  Object.assign(crypto, {
    createCipheriv: (algorithm: string, key: crypto.CipherKey, iv: crypto.BinaryLike | null) =>
      singleDes(algorithm, key) ? createCipheriv('des-ede3-cbc', Buffer.concat([key, key, key]), iv) : createCipheriv(algorithm, key, iv),
    createDecipheriv: (algorithm: string, key: crypto.CipherKey, iv: crypto.BinaryLike | null) =>
      singleDes(algorithm, key)
        ? createDecipheriv('des-ede3-cbc', Buffer.concat([key, key, key]), iv)
        : createDecipheriv(algorithm, key, iv),
  });
}

async function startS3(project: TestProject) {
  letS3rverPaginate();
  const directory = mkdtempSync(path.join(os.tmpdir(), 'veil-s3-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: TEST_BUCKET }],
    // s3rver canonicalises a path-style bucket URL as /bucket where the AWS SDK
    // v3 signs /bucket/, so every bucket-level request (list, multi-delete)
    // would be refused; it still requires a known access key.
    allowMismatchedSignatures: true,
  });
  const { address, port } = await server.run();
  project.provide('s3Endpoint', `http://${address}:${port}`);
  return async () => {
    await server.close();
    rmSync(directory, { recursive: true, force: true });
  };
}

export default async function setup(project: TestProject) {
  // the tests run the TypeScript sources; worker threads need the built worker script
  await buildIngestWorker();
  const stopS3 = await startS3(project);
  if (!postgresAvailable()) {
    const message = `PostgreSQL binaries not found in ${PG_BIN} (set VEIL_PG_BIN): the PostgreSQL storage tests cannot run.`;
    if (process.env.CI) throw new Error(message);
    console.warn(`\n${'!'.repeat(78)}\n!! SKIPPING POSTGRESQL TESTS: ${message}\n${'!'.repeat(78)}\n`);
    project.provide('pgUrl', null);
    return stopS3;
  }
  const server = await startPostgres();
  project.provide('pgUrl', server.url);
  return async () => {
    await server.stop();
    await stopS3();
  };
}
