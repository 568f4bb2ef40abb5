// The one real-browser set-up every package's vitest.config.ts imports:
// Debian's Chromium driven by Playwright (nothing is downloaded), headless,
// with the network-quiet flags this machine needs (see tools/test-support).
import { playwright } from '@vitest/browser-playwright';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './tools/test-support/src/chromium.ts';

export { CHROMIUM_ARGS, CHROMIUM_PATH };

/** `test.browser` for vitest browser mode. */
export const chromiumBrowser = {
  enabled: true,
  headless: true,
  provider: playwright({ launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS } }),
  instances: [{ browser: 'chromium' as const }],
  screenshotFailures: false,
};
