// A plain Node.js program that loads every public entry of every installed
// Veil package the ways its exports map offers: `import` always, `require`
// where the map has a require condition. What each way gives must agree.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const PACKAGES = ['@veil/core', '@veil/react', '@veil/vue', '@veil/angular', '@veil/testing', '@veil/collector'];

// @veil/angular ships Angular's partial compilation output; outside an
// Angular CLI build, its declarations are linked by the JIT compiler, which a
// Node program loads first (as Angular's own test setups do).
await import('@angular/compiler');

const conditionsOf = (target) => (typeof target === 'string' ? ['default'] : Object.keys(target));
let checked = 0;
for (const name of PACKAGES) {
  const manifest = JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8'));
  assert.ok(manifest.exports, `${name} has no exports map`);
  for (const [subpath, target] of Object.entries(manifest.exports)) {
    const specifier = subpath === '.' ? name : `${name}/${subpath.slice(2)}`;
    if (subpath === './package.json') {
      assert.equal(require(specifier).version, manifest.version, `${specifier} by require`);
      continue;
    }
    const conditions = conditionsOf(target);
    const imported = await import(specifier);
    const importedNames = Object.keys(imported)
      .filter((key) => key !== 'default')
      .sort();
    assert.ok(importedNames.length > 0, `import('${specifier}') gave no named exports`);
    let line = `ok  import  ${specifier} (${importedNames.length} exports)`;
    if (conditions.includes('require')) {
      const required = require(specifier);
      const requiredNames = Object.keys(required)
        .filter((key) => key !== 'default' && key !== '__esModule')
        .sort();
      assert.deepEqual(requiredNames, importedNames, `require('${specifier}') and import('${specifier}') export different names`);
      line += `, require (the same names)`;
    }
    console.log(line);
    checked += 1;
  }
}

// the functions users call first, under the names the READMEs use
const core = await import('@veil/core');
assert.equal(typeof core.createRecorder, 'function');
assert.equal(typeof require('@veil/core').createRecorder, 'function');
assert.equal(typeof (await import('@veil/react')).VeilProvider, 'function');
assert.equal(typeof require('@veil/vue').createVeil, 'function');
assert.equal(typeof (await import('@veil/angular')).provideVeil, 'function');
assert.equal(typeof require('@veil/testing').findLeaks, 'function');
// recording needs a browser: in Node, a recorder is created and stays idle
const recorder = core.createRecorder({ transport: '/api/veil' });
recorder.start();
assert.notEqual(recorder.state, 'recording', 'a recorder started in Node must not record');
console.log(`${checked} entries of ${PACKAGES.length} packages load in Node ${process.version}`);

// The collector promises a Node version in its `engines`; what it installs must
// run there too, or users of that version get npm's EBADENGINE warnings (and,
// with engine-strict, no install). Read every installed package's own range
// and check the oldest Node the collector accepts against it.
const semver = require('semver');
const collectorEngines = JSON.parse(readFileSync(require.resolve('@veil/collector/package.json'), 'utf8')).engines.node;
const oldestNode = semver.minVersion(collectorEngines).version;
const disagreeing = [];
for (const { name, version, node } of installedEngines(path.resolve('node_modules'))) {
  if (!semver.satisfies(oldestNode, node)) disagreeing.push(`${name}@${version} needs Node ${node}`);
}
assert.deepEqual(
  disagreeing,
  [],
  `@veil/collector says Node ${collectorEngines}, but these installed packages do not run on ${oldestNode}`,
);
console.log(`every installed package runs on Node ${oldestNode}, the oldest @veil/collector accepts (${collectorEngines})`);

function* installedEngines(modules) {
  if (!existsSync(modules)) return;
  for (const entry of readdirSync(modules)) {
    if (entry.startsWith('.')) continue;
    const dirs = entry.startsWith('@')
      ? readdirSync(path.join(modules, entry)).map((n) => path.join(modules, entry, n))
      : [path.join(modules, entry)];
    for (const dir of dirs) {
      const manifestPath = path.join(dir, 'package.json');
      if (!existsSync(manifestPath)) continue;
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
      if (typeof manifest.engines?.node === 'string') yield { name: manifest.name, version: manifest.version, node: manifest.engines.node };
      yield* installedEngines(path.join(dir, 'node_modules'));
    }
  }
}
