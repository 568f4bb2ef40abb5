import { defineConfig } from 'tsup';

// React and the core stay external (peer / dependency). Every export is meant
// for client components, so the whole bundle is one 'use client' module: the
// directive goes in as a banner (a directive inside a source file would be
// dropped by the bundler), and scripts/check-dist.mjs fails the build if it is lost.
export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  tsconfig: 'tsconfig.build.json',
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2020',
  external: ['react', '@veil/core'],
  banner: { js: "'use client';" },
});
