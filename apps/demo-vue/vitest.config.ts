import { defineConfig } from 'vitest/config';

// The end-to-end test builds the demo, serves it and drives Debian's Chromium
// through playwright-core, from node.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
