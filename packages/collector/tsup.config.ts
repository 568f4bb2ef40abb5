import { defineConfig } from 'tsup';
import { buildIngestWorker } from './build/ingest-worker.mjs';

// Node-only ESM. Dependencies stay external (better-sqlite3 is native). The
// library and the CLI are one build, so what they share is one chunk in dist/
// rather than a copy in each; the CLI's shebang comes from its source, which
// esbuild keeps at the top of dist/cli.js. The ingest pool's worker script is
// built after it, as CommonJS (build/ingest-worker.mjs says why).
export default defineConfig({
  entry: { index: 'src/index.ts', cli: 'src/cli.ts' },
  format: ['esm'],
  splitting: true,
  dts: { entry: { index: 'src/index.ts' } },
  clean: true,
  sourcemap: true,
  target: 'node20',
  platform: 'node',
  onSuccess: () => buildIngestWorker({ sourcemap: true }),
});
