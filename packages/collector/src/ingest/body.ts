// The protocol has no Content-Encoding: whatever the content type says
// (text/plain from browsers, or nothing), the body is sniffed. gzip is
// inflated with a hard output limit, never unbounded.
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { HttpError } from './refusal';

const gunzipAsync = promisify(gunzip);

/** Sniffs and decodes a request body: gzip by its magic bytes, else JSON starting with `{`. */
export async function decodeBody(body: Buffer, maxDecompressedBytes: number): Promise<unknown> {
  if (body.length === 0) throw new HttpError(400, 'the body is empty: send one batch as gzip-compressed or plain JSON');
  let text: string;
  if (body[0] === 0x1f && body[1] === 0x8b) {
    let inflated: Buffer;
    try {
      inflated = await gunzipAsync(body, { maxOutputLength: maxDecompressedBytes });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new HttpError(413, `the body decompresses to more than ${maxDecompressedBytes} bytes; send smaller batches`);
      }
      throw new HttpError(400, 'the body starts like gzip (1f 8b) but does not decompress: it is truncated or corrupt');
    }
    text = inflated.toString('utf8');
  } else {
    text = body.toString('utf8');
    if (!/^\s*\{/.test(text.slice(0, 64))) {
      throw new HttpError(415, 'the body is neither gzip (starting with bytes 1f 8b) nor a JSON object (starting with "{")');
    }
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, `the body is not valid JSON: ${(error as Error).message}`);
  }
}
