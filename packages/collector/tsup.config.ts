import { defineConfig } from 'tsup';

// Node-only ESM. Dependencies stay external (better-sqlite3 is native). The
// library, the CLI and the ingest pool's worker script are one build, so what
// they share is one chunk in dist/ rather than a copy in each; the CLI's
// shebang comes from its source, which esbuild keeps at the top of
// dist/cli.js. dist/ingest-worker.js is found beside the bundle that starts it
// (src/recordings/batch-processor.ts).
export default defineConfig({
  entry: { index: 'src/index.ts', cli: 'src/cli.ts', 'ingest-worker': 'src/recordings/ingest-worker.ts' },
  format: ['esm'],
  splitting: true,
  dts: { entry: { index: 'src/index.ts' } },
  clean: true,
  sourcemap: true,
  target: 'node20',
  platform: 'node',
});
