// The rrweb options Veil records with, read from the core's source
// (packages/core/src/page/rrweb-options.ts, a TypeScript module) so that the
// rrweb rows of the benchmarks can never drift from what the recorder passes.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const source = join(dirname(fileURLToPath(import.meta.url)), '../../packages/core/src/page/rrweb-options.ts');
const out = await build({ entryPoints: [source], bundle: true, format: 'esm', platform: 'neutral', write: false, logLevel: 'warning' });
const module = await import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`);

/** `RRWEB_OPTIONS` of packages/core/src/page/rrweb-options.ts. */
export const RRWEB_OPTIONS = module.RRWEB_OPTIONS;
