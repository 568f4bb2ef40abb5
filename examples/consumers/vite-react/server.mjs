// The site's server after `vite build`: dist/ as static files, and a
// same-origin ingest route that stores each batch as one JSON line in
// $VEIL_BATCHES (a real site would forward it to its collector).
import { appendFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};
const dist = path.resolve('dist');
const store = process.env.VEIL_BATCHES ?? 'batches.jsonl';

const server = http.createServer((req, res) => {
  const { pathname } = new URL(req.url, 'http://localhost');
  if (pathname === '/api/veil' && req.method === 'POST') {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      try {
        let body = Buffer.concat(chunks);
        // gzip from the transport; plain JSON for a last batch sent on pagehide
        if (body[0] === 0x1f && body[1] === 0x8b) body = gunzipSync(body);
        appendFileSync(store, `${JSON.stringify(JSON.parse(body.toString('utf8')))}\n`);
        res.writeHead(204).end();
      } catch (error) {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: String(error) }));
      }
    });
    return;
  }
  let file = path.join(dist, path.normalize(pathname));
  if (!file.startsWith(dist) || req.method !== 'GET') return res.writeHead(404).end();
  if (!existsSync(file) || statSync(file).isDirectory()) file = path.join(dist, 'index.html');
  res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
});
server.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
