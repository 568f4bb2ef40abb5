// Global set-up: a fresh production build of the demo for the tests, in a
// temporary folder. Not dist/: under `turbo run build test` the app's own
// build task may be writing dist/ at the same moment.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The built app's browser folder. */
    demoRoot: string;
  }
}

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export default async function buildApp(project: TestProject) {
  const out = await mkdtemp(path.join(tmpdir(), 'veil-demo-angular-'));
  const ng = createRequire(path.join(appDir, 'package.json')).resolve('@angular/cli/bin/ng.js');
  const started = Date.now();
  const output: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [ng, 'build', '--configuration', 'production', '--output-path', out], {
      cwd: appDir,
      env: { ...process.env, NG_CLI_ANALYTICS: 'false', NG_FORCE_TTY: 'false', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk) => output.push(String(chunk)));
    child.stderr.on('data', (chunk) => output.push(String(chunk)));
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) {
    await rm(out, { recursive: true, force: true });
    throw new Error(`ng build failed (exit ${code}):\n${output.join('')}`);
  }
  console.log(`[demo-angular e2e] built the demo in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  project.provide('demoRoot', path.join(out, 'browser'));
  return async () => {
    await rm(out, { recursive: true, force: true });
  };
}
