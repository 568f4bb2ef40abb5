import { appendFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';

// The recorder posts its batches here, on the page's own origin (no ad blocker
// or third-party cookie rule in the way). This one stores each batch as a
// JSON line in $VEIL_BATCHES; a real site forwards the body as it came to its
// collector: fetch(`${COLLECTOR}/v1/ingest${new URL(request.url).search}`,
// { method: 'POST', body, headers: { 'content-type': 'text/plain' } }).
export async function POST(request: Request) {
  let body = Buffer.from(await request.arrayBuffer());
  try {
    // gzip from the transport; plain JSON for a last batch sent on pagehide
    if (body[0] === 0x1f && body[1] === 0x8b) body = gunzipSync(body);
    const batch = JSON.parse(body.toString('utf8'));
    await appendFile(process.env.VEIL_BATCHES ?? 'batches.jsonl', `${JSON.stringify(batch)}\n`);
  } catch (error) {
    return Response.json({ error: String(error) }, { status: 400 });
  }
  return new Response(null, { status: 204 });
}
