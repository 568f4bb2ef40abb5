import { defineConfig } from 'tsup';

// Node-only ESM. Dependencies stay external (better-sqlite3 is native). The
// library and the CLI are one build, so what they share is one chunk in dist/
// rather than a second copy inside cli.js; the CLI's shebang comes from its
// source, which esbuild keeps at the top of dist/cli.js.
export default defineConfig({
  entry: { index: 'src/index.ts', cli: 'src/cli.ts' },
  format: ['esm'],
  splitting: true,
  dts: { entry: { index: 'src/index.ts' } },
  clean: true,
  sourcemap: true,
  target: 'node20',
  platform: 'node',
});
