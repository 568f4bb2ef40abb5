// The build patches rrweb only through build/patch-rrweb.ts: these check that
// it refuses every input but the one the patch was made for, and that what
// it produces is what the standard tools make of the same diff.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RRWEB_RECORD_PATCH, RRWEB_RECORD_SHA256, applyPatch, sha256 } from '../../build/patch-rrweb';

const require = createRequire(import.meta.url);
const recordJs = path.join(path.dirname(require.resolve('@rrweb/record')), 'record.js');
const source = readFileSync(recordJs, 'utf8');
const patch = readFileSync(RRWEB_RECORD_PATCH, 'utf8');
const hunkHeaders = patch.split('\n').filter((line) => line.startsWith('@@'));

/** `source` with line `n` (1-based) replaced. */
const withLine = (n: number, text: string) => {
  const lines = source.split('\n');
  lines[n - 1] = text;
  return lines.join('\n');
};

describe('the rrweb patch', () => {
  it('is made for the installed @rrweb/record', () => {
    expect(sha256(source)).toBe(RRWEB_RECORD_SHA256);
  });

  it('names one file, the one patch -p0 finds from the repository root', () => {
    const headers = patch.split('\n').filter((line) => /^(---|\+\+\+) /.test(line));
    expect(headers).toEqual(['--- node_modules/@rrweb/record/dist/record.js', '+++ node_modules/@rrweb/record/dist/record.js']);
  });

  it('gives what GNU patch gives, with no fuzz and no offsets', () => {
    const patched = applyPatch(source, patch);
    expect(patched).not.toBe(source);
    // GNU patch is the reference: .ci/run installs it with Chromium
    expect(
      () => execFileSync('patch', ['--version'], { stdio: 'ignore' }),
      'GNU patch is needed here: apt-get install patch',
    ).not.toThrow();
    const dir = mkdtempSync(path.join(tmpdir(), 'veil-patch-'));
    try {
      const out = path.join(dir, 'record.js');
      // --fuzz 0 and a report of any offset: GNU patch must need neither
      const report = execFileSync('patch', ['--fuzz=0', '--batch', '-o', out, recordJs, RRWEB_RECORD_PATCH], { encoding: 'utf8' });
      expect(report).not.toMatch(/offset|fuzz/i);
      expect(existsSync(out) && readFileSync(out, 'utf8')).toBe(patched);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails, naming the hunk, when a line it changes or reads differs', () => {
    const second = /^@@ -(\d+)/.exec(hunkHeaders[1])!;
    // the hunk's first line, a context line in diff -u's output
    const changed = withLine(Number(second[1]), '// upstream changed this line');
    expect(() => applyPatch(changed, patch, 'rrweb-record.patch')).toThrow(
      `hunk 2 of rrweb-record.patch (${hunkHeaders[1]}) does not apply`,
    );
  });

  it('does not look for a hunk elsewhere when lines before it moved', () => {
    const shifted = `// one more line at the top\n${source}`;
    expect(() => applyPatch(shifted, patch)).toThrow(/hunk 1 of the patch .* does not apply/);
  });

  it('refuses a diff of another shape', () => {
    expect(() => applyPatch(source, 'just words\n')).toThrow(/no "--- " file header/);
    const twoFiles = `${patch}--- other.js\n+++ other.js\n@@ -1 +1 @@\n-a\n+b\n`;
    expect(() => applyPatch(source, twoFiles)).toThrow(/second file/);
    const miscounted = patch.replace(/^(@@ -\d+,)(\d+)/m, (_all, head: string, count: string) => `${head}${Number(count) + 1}`);
    expect(() => applyPatch(source, miscounted)).toThrow();
  });
});
