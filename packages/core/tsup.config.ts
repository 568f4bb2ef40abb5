import { defineConfig } from 'tsup';
import { patchRrweb } from './build/patch-rrweb';

// rrweb is bundled (patched, see build/README.md) rather than left to the
// application's bundler: it stays behind the core, and the canvas recorder
// Veil never uses does not ship. Two configs run in parallel: only the first
// cleans dist/, or it could delete the other's output.
export default defineConfig([
  {
    // the engine entry is DOM-free and carries no rrweb: what a server imports;
    // explain (what is recorded and why) and xray (it, drawn over the page) are
    // for development tools, never the recorder's bundle
    entry: { index: 'src/index.ts', engine: 'src/engine/index.ts', explain: 'src/explain/index.ts', xray: 'src/xray/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'es2020',
    treeshake: true,
    // the URL transport is its own chunk, loaded when a recorder sends to a URL
    splitting: true,
    noExternal: ['@rrweb/record'],
    esbuildPlugins: [patchRrweb()],
  },
  {
    // <script>s for tests and development tools: window.VeilExplain (never the recorder's script)
    entry: { explain: 'src/explain/index.ts' },
    format: ['iife'],
    globalName: 'VeilExplain',
    minify: true,
    target: 'es2020',
    platform: 'browser',
    noExternal: [/.*/],
  },
  {
    // window.VeilXray
    entry: { xray: 'src/xray/index.ts' },
    format: ['iife'],
    globalName: 'VeilXray',
    minify: true,
    target: 'es2020',
    platform: 'browser',
    noExternal: [/.*/],
  },
  {
    entry: { index: 'src/browser.ts' },
    format: ['iife'],
    globalName: 'Veil',
    minify: true,
    sourcemap: true,
    target: 'es2020',
    platform: 'browser',
    noExternal: [/.*/],
    esbuildPlugins: [patchRrweb()],
  },
]);
