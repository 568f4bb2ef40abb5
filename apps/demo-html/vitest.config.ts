import { defineConfig } from 'vitest/config';

// The end-to-end test drives Debian's Chromium through playwright-core from node.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
