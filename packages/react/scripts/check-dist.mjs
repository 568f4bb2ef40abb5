// Run after tsup: the built files must start with the 'use client' directive
// (Next.js and other React Server Components bundlers look for it there) and
// must not bundle React or the core; the bundled declarations re-export the
// core's types only (scripts/type-only-reexports.mjs at the root).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { keepTypeOnlyReexports } from '../../../scripts/type-only-reexports.mjs';

const problems = [];
for (const file of ['dist/index.js', 'dist/index.cjs']) {
  const code = readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
  if (!/^['"]use client['"];/.test(code)) problems.push(`${file} does not start with 'use client'`);
  if (/__SECRET_INTERNALS|ReactCurrentDispatcher|function record\(/.test(code)) problems.push(`${file} bundles React or rrweb`);
}
problems.push(
  ...keepTypeOnlyReexports(['dist/index.d.ts', 'dist/index.d.cts'].map((file) => fileURLToPath(new URL(`../${file}`, import.meta.url)))),
);
if (problems.length) {
  console.error(`[veil] build check failed:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
