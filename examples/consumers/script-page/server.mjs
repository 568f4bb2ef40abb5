// The site's server: static files, Veil's <script> build as the npm package
// ships it, and a same-origin ingest route that stores each batch as one JSON
// line in $VEIL_BATCHES (a real site would forward it to its collector).
import { appendFileSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { gunzipSync } from 'node:zlib';

const FILES = {
  '/': ['public/index.html', 'text/html; charset=utf-8'],
  '/veil.global.js': ['node_modules/@veil/core/dist/index.global.js', 'text/javascript; charset=utf-8'],
};
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
  const file = FILES[pathname];
  if (!file || req.method !== 'GET') return res.writeHead(404).end();
  res.writeHead(200, { 'content-type': file[1] }).end(readFileSync(file[0]));
});
server.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
