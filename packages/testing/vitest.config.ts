import { defineConfig } from 'vitest/config';
import { chromiumBrowser } from '../../vitest.browser.ts';

// The Playwright helpers run in node and drive Debian's Chromium through
// playwright-core; the matchers run inside the browser (vitest browser mode),
// where a user's component tests run them.
export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'playwright', include: ['test/**/*.node.test.ts'], environment: 'node', testTimeout: 60_000, hookTimeout: 60_000 },
      },
      {
        extends: true,
        test: { name: 'browser', include: ['test/**/*.browser.test.ts'], browser: chromiumBrowser, testTimeout: 30_000 },
      },
    ],
  },
});
