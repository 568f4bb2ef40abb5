import { defineConfig } from 'tsup';

// Node-only ESM. Dependencies stay external (better-sqlite3 is native); the
// CLI gets its shebang here so dist/cli.js runs as the `veil-collector` bin.
// dist/ingest-worker.js is the ingest pool's worker script, found beside the
// bundle that starts it (src/recordings/batch-processor.ts).
export default defineConfig([
  {
    entry: { index: 'src/index.ts', 'ingest-worker': 'src/recordings/ingest-worker.ts' },
    format: ['esm'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'node20',
    platform: 'node',
  },
  {
    entry: { cli: 'src/cli.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    banner: { js: '#!/usr/bin/env node' },
  },
]);
