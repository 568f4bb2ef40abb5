import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { chromiumBrowser } from '../../vitest.browser.ts';

// @veil/react's own tests, unchanged, with every `react` and `react-dom` import
// (the package's source, the tests, vitest-browser-react) sent to React 18.
// React 18 lives in this folder's node_modules because the workspace's root
// copy is React 19; react-dom 18 finds its own react 18 beside it.
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const react18 = here('./node_modules/react');
const reactDom18 = here('./node_modules/react-dom');

export default defineConfig({
  root: here('../../packages/react'),
  cacheDir: here('./node_modules/.vite'),
  plugins: [react()],
  resolve: {
    alias: [
      { find: /^react$/, replacement: react18 },
      { find: /^react\/(.*)$/, replacement: `${react18}/$1` },
      { find: /^react-dom$/, replacement: reactDom18 },
      { find: /^react-dom\/(.*)$/, replacement: `${reactDom18}/$1` },
    ],
  },
  server: { fs: { allow: [here('../..')] } },
  optimizeDeps: {
    include: ['react', 'react/jsx-dev-runtime', 'react-dom', 'react-dom/client', 'react-dom/server', 'vitest-browser-react'],
  },
  test: {
    provide: { reactMajor: 18 },
    projects: [
      {
        extends: true,
        test: {
          name: 'react18-browser',
          include: ['test/**/*.browser.test.tsx'],
          browser: chromiumBrowser,
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: { name: 'react18-ssr', include: ['test/**/*.ssr.test.tsx'], environment: 'node', testTimeout: 30_000 },
      },
    ],
  },
});
