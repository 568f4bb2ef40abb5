// Run after tsup: the built files must start with the 'use client' directive
// (Next.js and other React Server Components bundlers look for it there) and
// must not bundle React or the core.
import { readFileSync } from 'node:fs';

const problems = [];
for (const file of ['dist/index.js', 'dist/index.cjs']) {
  const code = readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
  if (!/^['"]use client['"];/.test(code)) problems.push(`${file} does not start with 'use client'`);
  if (/__SECRET_INTERNALS|ReactCurrentDispatcher|function record\(/.test(code)) problems.push(`${file} bundles React or rrweb`);
}
if (problems.length) {
  console.error(`[veil] build check failed:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
