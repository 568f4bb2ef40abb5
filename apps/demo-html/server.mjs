// A dependency-free static server for the plain-HTML demo.
//
// Serves the demo page and its assets, Veil's <script> build as /veil.js
// (packages/core/dist/index.global.js, read on every request so a rebuild
// shows up on reload) and rrweb's player as /vendor/rrweb.js + /vendor/rrweb.css
// for the live replay panel. Listens on 127.0.0.1 only.
//
//   node server.mjs            # PORT=4173 by default; a free port if that one is busy
//   import { startServer } from './server.mjs'; const { url, close } = await startServer({ port: 0 });
import http from 'node:http';
import fs from 'node:fs/promises';
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const HOST = '127.0.0.1';
const DEFAULT_PORT = 4173;
const appDir = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** The core's IIFE build: through the workspace link if there is one, else beside this app in the repo. */
function coreBundlePath() {
  for (let dir = appDir; ; dir = path.dirname(dir)) {
    const linked = path.join(dir, 'node_modules', '@veil', 'core', 'package.json');
    if (existsSync(linked)) return path.join(path.dirname(linked), 'dist', 'index.global.js');
    if (path.dirname(dir) === dir) break;
  }
  return path.resolve(appDir, '..', '..', 'packages', 'core', 'dist', 'index.global.js');
}

/** rrweb's dist folder (rrweb's `require` entry lives there). */
function rrwebDist() {
  try {
    return path.dirname(require.resolve('rrweb'));
  } catch {
    return path.resolve(appDir, '..', '..', 'node_modules', 'rrweb', 'dist');
  }
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

// Scripts only from this origin. Styles may be inline: the replayer rebuilds the
// recorded page's <style> elements and style attributes inside its iframe.
// Connections go to this origin, and to the collector a page opened with
// ?collector=<ingest url> sends its recording to (see README).
function csp(collectorOrigin) {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "worker-src 'self' blob:",
    collectorOrigin ? `connect-src 'self' ${collectorOrigin}` : "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The origin of the request's ?collector= URL, when it names an http(s) one. */
function collectorOriginOf(requestUrl) {
  try {
    const param = new URL(requestUrl, 'http://localhost').searchParams.get('collector');
    if (!param) return null;
    const { protocol, origin } = new URL(param);
    return (protocol === 'http:' || protocol === 'https:') && /^https?:\/\/[A-Za-z0-9.:[\]-]+$/.test(origin) ? origin : null;
  } catch {
    return null;
  }
}

/** url path -> how to produce the body; `coreBundle` is the path of Veil's IIFE build. */
const makeRoutes = (coreBundle) => ({
  '/': { file: () => path.join(appDir, 'index.html') },
  '/index.html': { file: () => path.join(appDir, 'index.html') },
  '/demo.js': { file: () => path.join(appDir, 'demo.js') },
  '/demo.css': { file: () => path.join(appDir, 'demo.css') },
  '/favicon.svg': { file: () => path.join(appDir, 'favicon.svg') },
  '/veil.js': {
    file: () => coreBundle,
    type: '.js',
    missing: (file) =>
      `Veil's browser build is missing (${path.relative(process.cwd(), file) || file}).\n` +
      'Run `npm run build` (or `npm run demo`) from the repository root, then reload.\n',
  },
  // the X-ray overlay's own script, beside the core's: Veil.xray() loads it on demand (index.html names it)
  '/veil-xray.js': {
    file: () => path.join(path.dirname(coreBundle), 'xray.global.js'),
    type: '.js',
    missing: (file) =>
      `Veil's X-ray build is missing (${path.relative(process.cwd(), file) || file}).\n` +
      'Run `npm run build` (or `npm run demo`) from the repository root, then reload.\n',
  },
  '/vendor/rrweb.js': {
    file: () => path.join(rrwebDist(), 'rrweb.umd.min.cjs'),
    type: '.js',
    // The UMD build assigns module.exports when `module` exists; give it one and
    // publish the result as window.rrweb whatever branch it takes.
    wrap: (src) =>
      '(function () {\nvar module = { exports: {} };\nvar exports = module.exports;\n' + src + '\n;window.rrweb = module.exports;\n})();\n',
    missing: () => 'rrweb is not installed: run `npm install` from the repository root.\n',
  },
  '/vendor/rrweb.css': {
    file: () => path.join(rrwebDist(), 'style.css'),
    missing: () => 'rrweb is not installed: run `npm install` from the repository root.\n',
  },
});

function send(res, status, body, headers = {}) {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Content-Security-Policy': csp(collectorOriginOf(res.req.url ?? '/')),
    'Content-Length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

async function handle(routes, req, res) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return send(res, 405, 'Method not allowed\n', { Allow: 'GET, HEAD' });
  }
  let pathname;
  try {
    pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
  } catch {
    return send(res, 400, 'Bad request\n');
  }
  const route = Object.hasOwn(routes, pathname) ? routes[pathname] : undefined;
  if (!route) return send(res, 404, `Not found: ${pathname}\n`);
  const file = route.file();
  let body;
  try {
    body = await fs.readFile(file, 'utf8');
  } catch (error) {
    if (error && error.code === 'ENOENT' && route.missing) return send(res, 500, route.missing(file));
    if (error && error.code === 'ENOENT') return send(res, 404, `Not found: ${pathname}\n`);
    return send(res, 500, `Could not read ${pathname}: ${error && error.message}\n`);
  }
  if (route.wrap) body = route.wrap(body);
  const type = TYPES[route.type ?? path.extname(file)] ?? 'application/octet-stream';
  send(res, 200, body, { 'Content-Type': type });
}

function listen(server, port) {
  return new Promise((resolve, reject) => {
    const onError = (error) => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, HOST);
  });
}

/**
 * Starts the demo server on 127.0.0.1.
 * @param {{ port?: number, fallback?: boolean, coreBundle?: string }} [options] `port` 0 picks a
 *   free port; with `fallback` (default true) a busy port falls back to a free one; `coreBundle`
 *   overrides where /veil.js comes from (default: packages/core/dist/index.global.js).
 * @returns {Promise<{ url: string, port: number, close: () => Promise<void> }>}
 * @example
 *   const { url, close } = await startServer({ port: 0 });
 *   // … open `url` in a browser …
 *   await close();
 */
export async function startServer({ port = DEFAULT_PORT, fallback = true, coreBundle = coreBundlePath() } = {}) {
  const routes = makeRoutes(coreBundle);
  const server = http.createServer((req, res) => {
    handle(routes, req, res).catch((error) => {
      if (!res.headersSent) send(res, 500, `Internal error: ${error && error.message}\n`);
      else res.destroy();
    });
  });
  try {
    await listen(server, port);
  } catch (error) {
    if (!(fallback && error && error.code === 'EADDRINUSE' && port !== 0)) throw error;
    console.warn(`Port ${port} is busy; using a free port instead.`);
    await listen(server, 0);
  }
  const actual = server.address().port;
  return {
    url: `http://${HOST}:${actual}/`,
    port: actual,
    close: () =>
      new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function runAsMain() {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

const isMain = runAsMain();
if (isMain) {
  const fromEnv = process.env.PORT;
  const port = fromEnv === undefined || fromEnv === '' ? DEFAULT_PORT : Number(fromEnv);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`PORT must be an integer from 0 to 65535, got ${JSON.stringify(fromEnv)}.`);
    process.exit(1);
  }
  const { url, close } = await startServer({ port });
  if (!existsSync(coreBundlePath())) {
    console.warn("Veil's browser build is missing: run `npm run build` (or `npm run demo`) from the repository root.");
  }
  console.log(`Veil demo (plain HTML) running at ${url}`);
  const shutdown = () => close().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}
