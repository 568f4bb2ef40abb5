// The rrweb that @veil/core bundles is @rrweb/record's own dist/record.js with
// the changes of rrweb-record.patch (a plain unified diff, described entry by
// entry in README.md). This esbuild plugin applies it at build time, strictly:
// the input must be the exact file the patch was made for (its SHA-256 is
// pinned below), and every hunk must find its old lines exactly where its
// header says. There is no fuzz and no offset search, so an rrweb upgrade, or
// a hand edit of the patch, fails the build and names the hunk instead of
// shipping code nobody reviewed; lines outside the hunks are copied unchanged.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';

/** SHA-256 of node_modules/@rrweb/record/dist/record.js from @rrweb/record 2.1.6, the file the patch applies to. */
export const RRWEB_RECORD_SHA256 = 'e8d33f050806e45c14f80595fa132f015128c0beb29e3cd204a89f6615ae6aa1';

export const RRWEB_RECORD_PATCH = fileURLToPath(new URL('./rrweb-record.patch', import.meta.url));

const UPGRADE_HINT =
  'To move to another rrweb, carry the changes over and regenerate the patch and the hash as packages/core/build/README.md ("Upgrading rrweb") describes.';

interface Hunk {
  header: string;
  oldStart: number;
  oldCount: number;
  newStart: number;
  newCount: number;
  /** Each line with its diff marker: ' ' context, '-' removed, '+' added. */
  lines: string[];
}

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

function parsePatch(patch: string, patchName: string): Hunk[] {
  const lines = patch.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const fail = (lineNo: number, why: string): never => {
    throw new Error(`[veil] ${patchName}, line ${lineNo}: ${why}`);
  };
  let i = 0;
  // A description may come before the file header, as git and patch allow.
  while (i < lines.length && !lines[i].startsWith('--- ')) i++;
  if (i === lines.length) fail(1, 'no "--- " file header: expected the output of diff -u');
  if (!lines[i + 1]?.startsWith('+++ ')) fail(i + 2, 'a "--- " header must be followed by a "+++ " header');
  i += 2;
  const hunks: Hunk[] = [];
  while (i < lines.length) {
    const m = HUNK_HEADER.exec(lines[i]);
    if (!m)
      fail(
        i + 1,
        lines[i].startsWith('--- ')
          ? 'the patch changes a second file; it may change record.js only'
          : `expected a hunk header "@@ -a,b +c,d @@", found ${JSON.stringify(lines[i])}`,
      );
    const hunk: Hunk = {
      header: lines[i],
      oldStart: Number(m![1]),
      oldCount: m![2] === undefined ? 1 : Number(m![2]),
      newStart: Number(m![3]),
      newCount: m![4] === undefined ? 1 : Number(m![4]),
      lines: [],
    };
    i++;
    let oldSeen = 0;
    let newSeen = 0;
    while (oldSeen < hunk.oldCount || newSeen < hunk.newCount) {
      if (i === lines.length) fail(i, `${hunk.header} ends before its ${hunk.oldCount} old and ${hunk.newCount} new lines`);
      // an empty context line whose single space an editor trimmed away
      const line = lines[i] === '' ? ' ' : lines[i];
      const marker = line[0];
      if (marker === ' ') {
        oldSeen++;
        newSeen++;
      } else if (marker === '-') oldSeen++;
      else if (marker === '+') newSeen++;
      else fail(i + 1, `unexpected line in ${hunk.header}: ${JSON.stringify(line)}`);
      hunk.lines.push(line);
      i++;
    }
    if (oldSeen !== hunk.oldCount || newSeen !== hunk.newCount) fail(i, `${hunk.header} does not hold the line counts its header states`);
    // record.js ends with a newline, and so must every version of it
    if (lines[i]?.startsWith('\\')) fail(i + 1, '"\\ No newline at end of file" is not expected for record.js');
    hunks.push(hunk);
  }
  if (!hunks.length) fail(i, 'no hunks');
  return hunks;
}

/**
 * Applies a single-file unified diff to `source` with no fuzz: each hunk's
 * old lines (context and removed) must be found exactly at the line its
 * header states, and its header's new position must agree with the hunks
 * before it. Throws, naming the hunk, when one does not apply.
 */
export function applyPatch(source: string, patch: string, patchName = 'the patch'): string {
  if (!source.endsWith('\n')) throw new Error(`[veil] the file ${patchName} applies to does not end with a newline`);
  const input = source.slice(0, -1).split('\n');
  const output: string[] = [];
  let next = 0; // index in input of the first line not yet copied
  parsePatch(patch, patchName).forEach((hunk, n) => {
    const name = `hunk ${n + 1} of ${patchName} (${hunk.header})`;
    // a hunk that only adds lines names the line it follows
    const start = hunk.oldCount === 0 ? hunk.oldStart : hunk.oldStart - 1;
    if (start < next) throw new Error(`[veil] ${name} overlaps the hunk before it or is out of order.`);
    if (start + hunk.oldCount > input.length)
      throw new Error(`[veil] ${name} reaches past the end of the file (${input.length} lines). ${UPGRADE_HINT}`);
    output.push(...input.slice(next, start));
    const newStart = hunk.newCount === 0 ? output.length : output.length + 1;
    if (newStart !== hunk.newStart)
      throw new Error(
        `[veil] ${name} says its result starts at line ${hunk.newStart}, but the hunks before it put it at line ${newStart}; regenerate the patch with diff -u.`,
      );
    let at = start;
    for (const line of hunk.lines) {
      const text = line.slice(1);
      if (line[0] !== '+') {
        if (input[at] !== text) {
          throw new Error(
            `[veil] ${name} does not apply: line ${at + 1} is ${JSON.stringify(input[at])}, the hunk expects ${JSON.stringify(text)}. ${UPGRADE_HINT}`,
          );
        }
        at++;
      }
      if (line[0] !== '-') output.push(text);
    }
    next = at;
  });
  output.push(...input.slice(next));
  return output.join('\n') + '\n';
}

/** The SHA-256 of `text` (UTF-8), in hex. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Patches @rrweb/record's dist/record.js with rrweb-record.patch wherever a build bundles it. */
export function patchRrweb(patchFile: string = RRWEB_RECORD_PATCH): Plugin {
  return {
    name: 'veil-patch-rrweb',
    setup(build) {
      build.onLoad({ filter: /@rrweb[\\/]record[\\/]dist[\\/]record\.js$/ }, async (args) => {
        const [source, patch] = await Promise.all([readFile(args.path, 'utf8'), readFile(patchFile, 'utf8')]);
        const hash = sha256(source);
        if (hash !== RRWEB_RECORD_SHA256) {
          throw new Error(
            `[veil] ${args.path} is not the file ${patchFile} was made for (SHA-256 ${hash}, expected ${RRWEB_RECORD_SHA256}, @rrweb/record 2.1.6). ${UPGRADE_HINT}`,
          );
        }
        return { contents: applyPatch(source, patch, patchFile), loader: 'js' };
      });
    },
  };
}
