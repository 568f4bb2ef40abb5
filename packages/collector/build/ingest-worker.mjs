// The ingest pool's worker script, built as CommonJS (dist/ingest-worker.cjs).
// Piscina loads a worker with require() first: on Node 20, require() of an ES
// module goes through the young require(esm) path, which crashed a worker
// once with a failed V8 assertion (ModuleWrap::CreateRequiredModuleFacade). A
// CommonJS file is loaded the old, plain way on every Node. Used by the
// package build (tsup.config.ts) and by the tests, which run the sources
// (test/global-setup.ts).
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

export const INGEST_WORKER_FILE = 'ingest-worker.cjs';

export async function buildIngestWorker({ sourcemap = false } = {}) {
  await build({
    entryPoints: [fileURLToPath(new URL('../src/recordings/ingest-worker.ts', import.meta.url))],
    outfile: fileURLToPath(new URL(`../dist/${INGEST_WORKER_FILE}`, import.meta.url)),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // dependencies are loaded from node_modules by require: @veil/core/engine has a require condition
    packages: 'external',
    sourcemap,
    logLevel: 'warning',
  });
}
