import { defineConfig } from 'vitest/config';

// Everything runs in node. Files run one after another: the machine has two
// cores, some files drive Chromium, and all of them share one PostgreSQL
// server started by the global setup.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['test/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
