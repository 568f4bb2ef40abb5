// A dependency-free static server for the built Angular demo.
//
// Serves dist/demo-angular/browser (what `ng build` writes) on 127.0.0.1,
// answers unknown paths without a file extension with index.html (a single-page
// app), and sends a Content-Security-Policy that allows scripts from this
// origin only.
//
//   npm start                 # ng build, then this server on PORT=4176 (a free port if busy)
//   node server.mjs           # serve an existing build
//   import { startServer } from './server.mjs'; const { url, close } = await startServer({ port: 0 });
import http from 'node:http';
import fs from 'node:fs/promises';
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HOST = '127.0.0.1';
const DEFAULT_PORT = 4176;
const appDir = path.dirname(fileURLToPath(import.meta.url));
export const DEFAULT_ROOT = path.join(appDir, 'dist', 'demo-angular', 'browser');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

// Styles may be inline: Angular adds component styles as <style> elements, and
// the replayer rebuilds the recorded page's styles inside its iframe.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function send(res, status, body, headers = {}) {
  const buffer = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Content-Security-Policy': CSP,
    'Content-Length': buffer.length,
    ...headers,
  });
  res.end(res.req.method === 'HEAD' ? undefined : buffer);
}

const NOT_BUILT = (root) =>
  `The Angular demo is not built (${root} is missing).\n` +
  'Run `npm run build` from the repository root (or `npm start -w @veil/demo-angular`), then reload.\n';

async function handle(root, req, res) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return send(res, 405, 'Method not allowed\n', { Allow: 'GET, HEAD' });
  }
  let pathname;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
  } catch {
    return send(res, 400, 'Bad request\n');
  }
  if (pathname.includes('\0')) return send(res, 400, 'Bad request\n');
  // Resolve inside the root only: no climbing out with .. or encoded variants.
  const file = path.join(root, path.normalize(pathname));
  if (file !== root && !file.startsWith(root + path.sep)) return send(res, 404, `Not found: ${pathname}\n`);
  const ext = path.extname(file);
  const target = pathname.endsWith('/') || !ext ? path.join(root, 'index.html') : file;
  let body;
  try {
    body = await fs.readFile(target);
  } catch (error) {
    if (error && (error.code === 'ENOENT' || error.code === 'EISDIR')) {
      if (!existsSync(root)) return send(res, 500, NOT_BUILT(root));
      return send(res, 404, `Not found: ${pathname}\n`);
    }
    return send(res, 500, `Could not read ${pathname}: ${error && error.message}\n`);
  }
  const type = TYPES[path.extname(target)] ?? 'application/octet-stream';
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
 * @param {{ port?: number, fallback?: boolean, root?: string }} [options] `port` 0 picks a free
 *   port; with `fallback` (default true) a busy port falls back to a free one; `root` is the
 *   built app's browser folder (default: dist/demo-angular/browser).
 * @returns {Promise<{ url: string, port: number, close: () => Promise<void> }>}
 * @example
 *   const { url, close } = await startServer({ port: 0 });
 *   // … open `url` in a browser …
 *   await close();
 */
export async function startServer({ port = DEFAULT_PORT, fallback = true, root = DEFAULT_ROOT } = {}) {
  const resolvedRoot = path.resolve(root);
  const server = http.createServer((req, res) => {
    handle(resolvedRoot, req, res).catch((error) => {
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

if (runAsMain()) {
  const fromEnv = process.env.PORT;
  const port = fromEnv === undefined || fromEnv === '' ? DEFAULT_PORT : Number(fromEnv);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`PORT must be an integer from 0 to 65535, got ${JSON.stringify(fromEnv)}.`);
    process.exit(1);
  }
  if (!existsSync(DEFAULT_ROOT)) console.warn(NOT_BUILT(DEFAULT_ROOT));
  const { url, close } = await startServer({ port });
  console.log(`Veil demo (Angular) running at ${url}`);
  const shutdown = () => close().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}
