// Run after a package's declaration bundle is written (tsup, ng-packagr): the
// framework packages re-export the core's types with
// `export type * from '@veil/core'`, and the declaration bundler both use
// (rollup-plugin-dts) writes that as `export *`, which would declare the
// core's functions as exports of the package, which it does not have at run
// time. This puts the `type` back, and fails the build when it cannot, so a
// bundler upgrade that changes its output cannot ship the wrong form silently.
//
//   node ../../scripts/type-only-reexports.mjs dist/index.d.ts dist/index.d.cts
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const TYPE_ONLY = /^export type \* from '@veil\/core';$/m;

/** Fixes each declaration file in place; returns what is still wrong, one line each. */
export function keepTypeOnlyReexports(files) {
  const problems = [];
  for (const file of files) {
    const types = readFileSync(file, 'utf8');
    const fixed = types.replace(/^export \* from (['"])@veil\/core\1;$/m, "export type * from '@veil/core';");
    if (fixed !== types) writeFileSync(file, fixed);
    if (!TYPE_ONLY.test(fixed) || /^export \* from/m.test(fixed))
      problems.push(`${file} does not re-export the core's types with export type *`);
  }
  return problems;
}

if (import.meta.url === pathToFileURL(resolve(process.argv[1] ?? '')).href) {
  const problems = keepTypeOnlyReexports(process.argv.slice(2));
  if (problems.length) {
    console.error(`[veil] build check failed:\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
}
