#!/usr/bin/env node
// `npm run demo [-- html|react|vue|angular]`: builds the demos (turbo), starts
// each one's server on 127.0.0.1, and serves a page linking to all of them.
import { spawn, spawnSync } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Vite's own script, run by this node: through npx, a kill would reach npx and
// leave the server behind it running.
const vite = path.join(root, 'node_modules/vite/bin/vite.js');
const DEMOS = {
  html: { port: 4173, title: 'Plain HTML (<script> build)', dir: 'apps/demo-html', cmd: [process.execPath, 'server.mjs'] },
  react: {
    port: 4174,
    title: 'React (@veil/react)',
    dir: 'apps/demo-react',
    cmd: [process.execPath, vite, 'preview', '--host', '127.0.0.1', '--port', '4174', '--strictPort'],
  },
  vue: {
    port: 4175,
    title: 'Vue (@veil/vue)',
    dir: 'apps/demo-vue',
    cmd: [process.execPath, vite, 'preview', '--host', '127.0.0.1', '--port', '4175', '--strictPort'],
  },
  angular: { port: 4176, title: 'Angular (@veil/angular)', dir: 'apps/demo-angular', cmd: [process.execPath, 'server.mjs'] },
};
const INDEX_PORT = Number(process.env.PORT ?? 4170);

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
for (const name of wanted) {
  if (!(name in DEMOS)) {
    console.error(`[veil] unknown demo "${name}"; pick from: ${Object.keys(DEMOS).join(', ')}`);
    process.exit(2);
  }
}
const chosen = wanted.length ? wanted : Object.keys(DEMOS);

const filters = chosen.flatMap((name) => ['--filter', `./${DEMOS[name].dir}...`]);
console.log(`building ${chosen.join(', ')} …`);
const build = spawnSync('npx', ['turbo', 'run', 'build', ...filters, '--output-logs=errors-only'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', NG_CLI_ANALYTICS: 'false' },
});
if (build.status !== 0) process.exit(build.status ?? 1);

const children = chosen.map((name) => {
  const demo = DEMOS[name];
  const child = spawn(demo.cmd[0], demo.cmd.slice(1), {
    cwd: path.join(root, demo.dir),
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, PORT: String(demo.port) },
    // a process group of its own: stopping the demos stops whatever each server started
    detached: true,
  });
  child.on('exit', (code) => code && !stopping && console.error(`[veil] the ${name} demo stopped (exit ${code})`));
  return child;
});

let stopping = false;
// However this script ends, the demo servers (their whole process groups) end with it.
process.on('exit', () => {
  stopping = true;
  for (const child of children) {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
});
// Ctrl-C, a plain `kill`, a closed terminal
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => process.exit(0));

const links = chosen
  .map((name) => `<li><a href="http://127.0.0.1:${DEMOS[name].port}/">${DEMOS[name].title.replace(/</g, '&lt;')}</a></li>`)
  .join('');
http
  .createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><meta charset="utf-8"><title>Veil demos</title>
<body style="font:16px system-ui;max-width:40rem;margin:3rem auto">
<h1>Veil demos</h1><p>The same shop in each framework. Type into the forms and watch the live replay of what the recorder sends.</p>
<ul>${links}</ul></body>`);
  })
  .listen(INDEX_PORT, '127.0.0.1', () => {
    console.log(`\nVeil demos: http://127.0.0.1:${INDEX_PORT}/`);
    for (const name of chosen) console.log(`  ${name.padEnd(8)} http://127.0.0.1:${DEMOS[name].port}/`);
    console.log('Ctrl-C stops them.');
  });
