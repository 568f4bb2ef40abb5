import { defineConfig } from 'vitest/config';

// The end-to-end test drives Debian's Chromium through playwright-core from
// node, against a production build the global set-up makes (test/build-app.ts).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['test/build-app.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
