import { defineConfig } from 'tsup';

// ESM + CJS + types. vue and @veil/core stay external (peer and dependency).
export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2020',
  platform: 'neutral',
  treeshake: true,
  external: ['vue', '@veil/core'],
  // types from src alone (the test set-up's node and vitest types slow the .d.ts build)
  tsconfig: 'tsconfig.build.json',
});
