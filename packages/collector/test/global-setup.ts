// One PostgreSQL server for the whole run; each suite creates its own database on it.
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { TestProject } from 'vitest/node';
import { postgresAvailable, startPostgres, PG_BIN } from './postgres-server.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string | null;
  }
}

/**
 * The tests run the TypeScript sources, but worker threads run JavaScript:
 * the ingest worker is built from the sources into dist/, where the server
 * started from src/ looks for it (src/recordings/batch-processor.ts).
 */
async function buildIngestWorker() {
  await build({
    entryPoints: [fileURLToPath(new URL('../src/recordings/ingest-worker.ts', import.meta.url))],
    outfile: fileURLToPath(new URL('../dist/ingest-worker.js', import.meta.url)),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
}

export default async function setup(project: TestProject) {
  await buildIngestWorker();
  if (!postgresAvailable()) {
    const message = `PostgreSQL binaries not found in ${PG_BIN} (set VEIL_PG_BIN): the PostgreSQL storage tests cannot run.`;
    if (process.env.CI) throw new Error(message);
    console.warn(`\n${'!'.repeat(78)}\n!! SKIPPING POSTGRESQL TESTS: ${message}\n${'!'.repeat(78)}\n`);
    project.provide('pgUrl', null);
    return;
  }
  const server = await startPostgres();
  project.provide('pgUrl', server.url);
  return () => server.stop();
}
