import { defineConfig } from 'tsup';

// The core stays a dependency: the page helpers read its <script> builds from
// its package, and the matchers import its explanation, so a test checks the
// very rules the app ships.
export default defineConfig({
  entry: { index: 'src/index.ts', matchers: 'src/matchers.ts' },
  format: ['esm', 'cjs'],
  tsconfig: 'tsconfig.build.json',
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2020',
  external: ['@veil/core'],
  // the page helpers find the core's files with createRequire(import.meta.url), in the CommonJS build too
  shims: true,
});
