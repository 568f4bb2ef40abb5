import { appendFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';

// The recorder posts its batches here, on the page's own origin. This route
// stores each batch as a JSON line in $VEIL_BATCHES; a real site forwards the
// body as it came to its collector (see docs/guides/nuxt.md).
export default defineEventHandler(async (event) => {
  let body = (await readRawBody(event, false)) ?? Buffer.alloc(0);
  try {
    // gzip from the transport; plain JSON for a last batch sent on pagehide
    if (body[0] === 0x1f && body[1] === 0x8b) body = gunzipSync(body);
    const batch = JSON.parse(body.toString('utf8'));
    await appendFile(process.env.VEIL_BATCHES ?? 'batches.jsonl', `${JSON.stringify(batch)}\n`);
  } catch (error) {
    throw createError({ statusCode: 400, statusMessage: String(error) });
  }
  setResponseStatus(event, 204);
  return null;
});
