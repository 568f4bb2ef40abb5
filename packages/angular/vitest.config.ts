import { defineConfig } from 'vitest/config';
import { chromiumBrowser } from '../../vitest.browser.ts';

// Read by `ng test` (angular.json: test → runnerConfig). The Angular builder
// compiles the specs ahead of time and picks the files (its `include`); this
// adds only what it leaves to vitest: Debian's Chromium, headless.
export default defineConfig({
  test: {
    browser: chromiumBrowser,
    // the line each application bootstrapped in development mode prints (the server-platform specs bootstrap many)
    onConsoleLog: (log) => !log.includes('Angular is running in development mode'),
    // One fresh page per spec file: the zone.js spec patches the page's globals.
    isolate: true,
    testTimeout: 30_000,
  },
});
