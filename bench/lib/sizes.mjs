// Bundle size: what a site pays to ship the recorder.
import { readFileSync, existsSync } from 'node:fs';
import { gzipSync, constants } from 'node:zlib';
import * as esbuild from 'esbuild';

const gzip = (buf) => gzipSync(buf, { level: constants.Z_BEST_COMPRESSION }).length;

/**
 * Bundles `source` as a browser ESM entry, minified, with everything (rrweb
 * included) inlined. Code splitting is on, so that a chunk the entry only
 * loads with a dynamic import() (e.g. a transport the entry does not use) is
 * counted apart: `min`/`gzip` are the entry chunk, what the page loads up
 * front; `lazy` the other chunks.
 */
async function bundle(source, { resolveDir, alias = {} }) {
  const plugin = {
    name: 'bench-entry',
    setup(build) {
      build.onResolve({ filter: /^bench-entry$/ }, () => ({ path: 'entry.js', namespace: 'bench-entry' }));
      build.onLoad({ filter: /.*/, namespace: 'bench-entry' }, () => ({ contents: source, resolveDir, loader: 'js' }));
      for (const [name, path] of Object.entries(alias)) {
        const filter = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`);
        build.onResolve({ filter }, () => ({ path }));
      }
    },
  };
  const result = await esbuild.build({
    entryPoints: ['bench-entry'],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    splitting: true,
    outdir: '/bench-out', // nothing is written (write: false)
    entryNames: 'entry',
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [plugin],
  });
  const files = result.outputFiles.filter((f) => f.path.endsWith('.js'));
  const entry = files.find((f) => /\/entry\.js$/.test(f.path));
  const lazy = files.filter((f) => f !== entry);
  const sum = (list, fn) => list.reduce((n, f) => n + fn(f), 0);
  return {
    min: entry.contents.length,
    gzip: gzip(entry.contents),
    lazy: { chunks: lazy.length, min: sum(lazy, (f) => f.contents.length), gzip: sum(lazy, (f) => gzip(f.contents)) },
  };
}

/** The entry the size target is about: a recorder that sends to a URL, so its transport chunk counts too. */
export const URL_ENTRY = `import { createRecorder } from '@veil/core'; createRecorder({ transport: 'https://collector.example.com/v1/ingest' }).start();`;

/**
 * @param {{ benchDir: string, coreEsm: string, coreGlobal: string, targetGzip: number }} p
 */
export async function measureSizes({ benchDir, coreEsm, coreGlobal, targetGzip }) {
  const out = { rrweb: null, core: null, coreUrl: null, coreGlobal: null, targetGzip, targetMet: null, notes: [] };
  out.rrweb = await bundle(`import { record } from '@rrweb/record'; record({ emit() {} });`, { resolveDir: benchDir });

  if (existsSync(coreEsm)) {
    try {
      out.core = await bundle(`import { createRecorder } from '@veil/core'; createRecorder({ transport() {} }).start();`, {
        resolveDir: benchDir,
        alias: { '@veil/core': coreEsm },
      });
      out.core.overRrweb = { min: out.core.min - out.rrweb.min, gzip: out.core.gzip - out.rrweb.gzip };
      out.coreUrl = await bundle(URL_ENTRY, { resolveDir: benchDir, alias: { '@veil/core': coreEsm } });
      // what a page that sends to a URL downloads: the entry and the chunk it loads, each gzipped
      out.coreUrl.total = { min: out.coreUrl.min + out.coreUrl.lazy.min, gzip: out.coreUrl.gzip + out.coreUrl.lazy.gzip };
      out.targetMet = out.coreUrl.total.gzip <= targetGzip;
    } catch (e) {
      out.notes.push(`core ESM bundle failed: ${e.message.split('\n')[0]}`);
    }
  } else {
    out.notes.push(`${coreEsm} not found: core size not measured`);
  }

  if (existsSync(coreGlobal)) {
    const raw = readFileSync(coreGlobal);
    const { code } = await esbuild.transform(raw.toString('utf8'), { minify: true, loader: 'js', legalComments: 'none' });
    const min = Buffer.from(code);
    out.coreGlobal = { raw: raw.length, rawGzip: gzip(raw), min: min.length, gzip: gzip(min) };
  } else {
    out.notes.push(`${coreGlobal} not found`);
  }
  return out;
}

/** The adapters' own code: their built entry, minified and gzipped, with the framework and the core left out. */
export async function measureAdapterSizes(root) {
  const adapters = [
    { name: '@veil/react', file: 'packages/react/dist/index.js', external: ['react', 'react/jsx-runtime', '@veil/core'] },
    { name: '@veil/vue', file: 'packages/vue/dist/index.js', external: ['vue', '@veil/core'] },
    {
      name: '@veil/angular',
      file: 'packages/angular/dist/fesm2022/veil-angular.mjs',
      external: ['@angular/*', '@veil/core', 'rxjs', 'rxjs/*'],
    },
  ];
  const out = [];
  for (const a of adapters) {
    const file = `${root}/${a.file}`;
    if (!existsSync(file)) {
      out.push({ name: a.name, missing: a.file });
      continue;
    }
    const result = await esbuild.build({
      entryPoints: [file],
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      external: a.external,
      logLevel: 'silent',
      legalComments: 'none',
      define: { 'process.env.NODE_ENV': '"production"' },
    });
    const code = result.outputFiles[0].contents;
    out.push({ name: a.name, min: code.length, gzip: gzip(code) });
  }
  return out;
}
