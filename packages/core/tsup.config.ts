import { defineConfig } from 'tsup';

// Two configs run in parallel: only the first cleans dist/, or it could
// delete the other's output.
export default defineConfig([
  {
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'es2020',
    treeshake: true,
  },
  {
    entry: { index: 'src/browser.ts' },
    format: ['iife'],
    globalName: 'Veil',
    minify: true,
    sourcemap: true,
    target: 'es2020',
    platform: 'browser',
    noExternal: [/.*/],
  },
]);
