import { AngularNodeAppEngine, createNodeRequestHandler, isMainModule, writeResponseToNodeResponse } from '@angular/ssr/node';
import express from 'express';
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

const browserDistFolder = join(import.meta.dirname, '../browser');
const app = express();
const angularApp = new AngularNodeAppEngine();

// The recorder posts its batches here, on the page's own origin. This route
// stores each batch as a JSON line in $VEIL_BATCHES; a real site forwards the
// body as it came to its collector.
app.post('/api/veil', express.raw({ type: () => true, limit: '16mb' }), async (req, res) => {
  try {
    let body: Buffer = req.body;
    // gzip from the transport; plain JSON for a last batch sent on pagehide
    if (body[0] === 0x1f && body[1] === 0x8b) body = gunzipSync(body);
    const batch = JSON.parse(body.toString('utf8'));
    await appendFile(process.env['VEIL_BATCHES'] ?? 'batches.jsonl', `${JSON.stringify(batch)}\n`);
    res.status(204).end();
  } catch (error) {
    res.status(400).json({ error: String(error) });
  }
});

app.use(express.static(browserDistFolder, { maxAge: '1y', index: false, redirect: false }));

app.use((req, res, next) => {
  angularApp
    .handle(req)
    .then((response) => (response ? writeResponseToNodeResponse(response, res) : next()))
    .catch(next);
});

if (isMainModule(import.meta.url)) {
  const server = app.listen(Number(process.env['PORT'] ?? 4000), process.env['HOST'] ?? '127.0.0.1', (error) => {
    if (error) throw error;
    console.log(`listening on http://${process.env['HOST'] ?? '127.0.0.1'}:${process.env['PORT'] ?? 4000}`);
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

export const reqHandler = createNodeRequestHandler(app);
