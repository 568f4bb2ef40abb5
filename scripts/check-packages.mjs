#!/usr/bin/env node
// What npm users install, checked as they get it: each publishable package is
// packed (as `npm publish` would pack it, after its build) and the tarball is
// linted by publint (strict: warnings fail) and by are-the-types-wrong (types
// resolve for ESM and CommonJS consumers under node16 and bundler resolution).
// Run after `npm run build`: node scripts/check-packages.mjs
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

// The collector (a server) and the Angular package (Angular's package format)
// ship ESM only: their types are checked for ESM consumers.
const PACKAGES = [
  { dir: 'packages/core' },
  { dir: 'packages/react' },
  { dir: 'packages/vue' },
  { dir: 'packages/angular', profile: 'esm-only' },
  { dir: 'packages/collector', profile: 'esm-only' },
  { dir: 'packages/testing' },
];

const out = mkdtempSync(path.join(tmpdir(), 'veil-pack-'));
const failures = [];
try {
  for (const pkg of PACKAGES) {
    const from = path.join(root, pkg.dir);
    const name = JSON.parse(readFileSync(path.join(from, 'package.json'), 'utf8')).name;
    const file = execFileSync('npm', ['pack', '--silent', '--pack-destination', out], { cwd: from, encoding: 'utf8' })
      .trim()
      .split('\n')
      .pop();
    const tarball = path.join(out, file);
    for (const [tool, args] of [
      ['publint', [bin('publint'), 'run', tarball, '--strict']],
      ['attw', [bin('attw'), tarball, '--profile', pkg.profile ?? 'node16', '--no-emoji', '--no-color', '--format', 'table-flipped']],
    ]) {
      try {
        execFileSync(args[0], args.slice(1), { stdio: 'pipe', encoding: 'utf8' });
        console.log(`ok    ${name}: ${tool}`);
      } catch (error) {
        console.log(`FAIL  ${name}: ${tool}\n${String(error.stdout ?? '')}${String(error.stderr ?? '')}`);
        failures.push(`${name}: ${tool}`);
      }
    }
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
if (failures.length) {
  console.log(`\n${failures.length} package check(s) failed: ${failures.join(', ')}`);
  process.exit(1);
}
console.log('\nevery package passes publint --strict and are-the-types-wrong');
