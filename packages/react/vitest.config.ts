import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { chromiumBrowser } from '../../vitest.browser.ts';

// Component tests run in real Chromium (vitest browser mode, Playwright driving
// /usr/bin/chromium); the server-rendering test runs in plain node, where there
// is no window at all.
export default defineConfig({
  plugins: [react()],
  // bundled once up front: a dependency found mid-run would be optimized again
  // and could load a second copy of React
  optimizeDeps: {
    include: [
      'react',
      'react/jsx-dev-runtime',
      'react-dom',
      'react-dom/client',
      'react-dom/server',
      'vitest-browser-react',
      '@veil/core/xray',
    ],
  },
  test: {
    // compat/react18 runs these same tests with 18
    provide: { reactMajor: 19 },
    projects: [
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/**/*.browser.test.tsx'],
          browser: chromiumBrowser,
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        // generous: the first render loads react-dom/server, slow on a busy machine
        test: { name: 'ssr', include: ['test/**/*.ssr.test.tsx'], environment: 'node', testTimeout: 30_000 },
      },
    ],
  },
});
