// Regenerates data/common-passwords.txt: the 10,000 most frequent passwords
// of Mark Burnett's corpus of 10 million leaked passwords, which he released
// into the public domain in February 2015. The frequency ranking is the one
// Dropbox's zxcvbn 4.4.2 ships (its `passwords` list, lower-cased, ranked by
// how often each occurs in that corpus; MIT licence). Run it with that
// package unpacked somewhere, e.g.:
//
//   npm pack zxcvbn@4.4.2 && tar xzf zxcvbn-4.4.2.tgz
//   node packages/collector/scripts/common-passwords.mjs package/lib/frequency_lists.js
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const source = process.argv[2];
if (!source) {
  console.error("Give the path of zxcvbn 4.4.2's lib/frequency_lists.js (see the comment at the top of this script).");
  process.exit(2);
}
const lists = createRequire(import.meta.url)(path.resolve(source));
const top = lists.passwords.slice(0, 10_000).map((p) => p.toLowerCase());
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
if (new Set(top).size !== 10_000 || top.some((p) => /[\s\u0000-\u001f]/.test(p))) throw new Error('unexpected list shape');
const header = [
  '# The 10,000 most common passwords, most common first, lower-cased: one a line.',
  "# Source: Mark Burnett's 10 million password corpus (released into the public domain, 2015),",
  '# as ranked by frequency in zxcvbn 4.4.2 (Copyright (c) 2012-2016 Dan Wheeler and Dropbox, Inc.; MIT licence).',
  '# Regenerate with scripts/common-passwords.mjs. Lines starting with # are comments.',
];
const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'data', 'common-passwords.txt');
writeFileSync(out, `${header.join('\n')}\n${top.join('\n')}\n`);
console.log(`wrote ${top.length} passwords to ${out}`);
