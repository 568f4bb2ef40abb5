import { defineConfig } from 'vitest/config';

// The end-to-end test builds the demo with Vite, serves it with Vite's preview
// server and drives Debian's Chromium through playwright-core, all from node.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
