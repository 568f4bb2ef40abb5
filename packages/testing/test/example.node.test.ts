// @veil/testing as a user installs it: packed with @veil/core, installed from
// the tarballs into a copy of examples/testing-playwright, and that project's
// own suite run with node's test runner. It passes on the page as it is, and
// fails, naming the field, once a field nobody marked is added.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'veil-testing-example-'));
  const tarballs: Record<string, string> = {};
  for (const pkg of ['core', 'testing']) {
    const file = execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], {
      cwd: path.join(root, 'packages', pkg),
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .pop()!;
    tarballs[`@veil/${pkg}`] = `file:${path.join(dir, file)}`;
  }
  const project = path.join(dir, 'project');
  cpSync(path.join(root, 'examples', 'testing-playwright'), project, { recursive: true });
  const manifest = JSON.parse(readFileSync(path.join(project, 'package.json'), 'utf8'));
  Object.assign(manifest.devDependencies, tarballs);
  // the @veil/core the testing tarball asks for is the packed one too, not one from the registry
  manifest.overrides = { '@veil/core': tarballs['@veil/core'] };
  writeFileSync(path.join(project, 'package.json'), JSON.stringify(manifest, null, 2));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: project, stdio: 'pipe' });
}, 240_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function runSuite(env: Record<string, string> = {}) {
  return spawnSync('node', ['--test'], {
    cwd: path.join(dir, 'project'),
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
}

describe('examples/testing-playwright, installed from the packed tarballs', () => {
  it('passes on the checkout as it is', () => {
    const run = runSuite();
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/# pass 2/);
  }, 150_000);

  it('fails, naming the field, when a field nobody marked is added', () => {
    const page = readFileSync(path.join(dir, 'project', 'checkout.html'), 'utf8').replace(
      '</form>',
      '  <label>Gift message <input id="gift"></label>\n  </form>',
    );
    writeFileSync(path.join(dir, 'project', 'checkout-new-field.html'), page);
    const run = runSuite({ CHECKOUT_PAGE: './checkout-new-field.html' });
    expect(run.status).not.toBe(0);
    expect(run.stdout).toMatch(/# fail 1/);
    expect(run.stdout).toContain('input#gift (Gift message): recorded, an ordinary field');
  }, 150_000);
});
