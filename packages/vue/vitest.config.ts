import { defineConfig } from 'vitest/config';
import { chromiumBrowser } from '../../vitest.browser.ts';
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';
import type { Way } from './test/server-render.ts';

type ServerRender = typeof import('./test/server-render.ts');
let loaded: Promise<ServerRender> | undefined;

/**
 * test/server-render.ts, loaded once in this node process as a server loads
 * an app: vue's node build (not the browser alias below), the core's build
 * as it is.
 */
function serverRender(): Promise<ServerRender> {
  loaded ??= runnerImport<ServerRender>(fileURLToPath(new URL('./test/server-render.ts', import.meta.url)), {
    configFile: false,
    logLevel: 'error',
    ssr: { external: ['@veil/core'] },
  }).then(({ module }) => module);
  return loaded;
}

// Two projects: component and recording tests in real Chromium (vitest browser
// mode), and server-side rendering in plain node (no window, no document).
export default defineConfig({
  define: {
    __VUE_OPTIONS_API__: 'true',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
  },
  test: {
    // the one line Vue's browser build prints on load
    onConsoleLog: (log) => !log.includes('You are running a development build of Vue'),
    projects: [
      {
        extends: true,
        // Vue's browser build with the template compiler: tests write components
        // with template strings.
        resolve: { alias: [{ find: /^vue$/, replacement: 'vue/dist/vue.esm-browser.js' }] },
        optimizeDeps: { include: ['vue/dist/vue.esm-browser.js', '@vue/test-utils', '@veil/core/xray'] },
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          browser: {
            ...chromiumBrowser,
            // server rendering in node for the hydration tests: see test/server-render.ts
            commands: {
              renderOnServer: async (_context: unknown, way: Way, name: string) => (await serverRender()).renderOnServer(way, name),
              renderConsentApp: async () => (await serverRender()).renderConsentApp(),
            },
          },
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'ssr',
          include: ['test/node/**/*.test.ts'],
          environment: 'node',
          // load the core's build as node would, untransformed (it is large)
          server: { deps: { external: [/\/packages\/core\/dist\//] } },
          hookTimeout: 60_000,
          testTimeout: 20_000,
        },
      },
    ],
  },
});
