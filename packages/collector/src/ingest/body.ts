// The protocol has no Content-Encoding: whatever the content type says
// (text/plain from browsers, or nothing), the body is sniffed. gzip is
// inflated while it arrives, and stops as soon as it outgrows what a real
// batch inflates to: a bomb costs the server about what it cost the sender
// (the bytes it sent, times a bounded ratio), not the 1000:1 deflate allows.
import { Readable } from 'node:stream';
import { createGunzip, type Gunzip } from 'node:zlib';
import { HttpError } from './refusal';

export interface BodyLimits {
  /** Most bytes read off the wire. */
  maxBodyBytes: number;
  /** Most bytes a body may inflate to (and most bytes of plain JSON). */
  maxDecompressedBytes: number;
  /**
   * Most inflated bytes per compressed byte received so far (plus
   * RATIO_SLACK), checked while inflating: real batches of rrweb JSON
   * compress 5–30:1, a deflate bomb about 1000:1.
   */
  maxCompressionRatio: number;
  /** false: a gzip body is refused before a byte of it is inflated (its key is not known yet). */
  allowGzip: boolean;
  /** true: resolve with the inflated JSON bytes, unparsed (the ingest workers parse them). */
  raw?: boolean;
}

/** Lets a small first chunk (a gzip header and a little) inflate past the ratio. */
export const RATIO_SLACK = 256 * 1024;

const tooLarge = (maxBodyBytes: number) => new HttpError(413, `the body is larger than ${maxBodyBytes} bytes; send smaller batches`);

/**
 * Reads a request body and decodes it: gzip by its magic bytes, else JSON
 * starting with `{`. Refuses as soon as a limit is passed, without reading
 * or inflating the rest.
 */
export function readBody(stream: Readable, limits: BodyLimits): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let received = 0;
    let head: Buffer[] = [];
    let mode: 'gzip' | 'json' | undefined;
    let gunzip: Gunzip | undefined;
    const out: Buffer[] = [];
    let produced = 0;
    let settled = false;

    const finish = (error?: unknown, value?: unknown) => {
      if (settled) return;
      settled = true;
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onStreamError);
      if (error) {
        gunzip?.destroy();
        // the rest of the body is read and thrown away (cheap), never inflated,
        // so the refusal can still be answered on this connection
        stream.resume();
        reject(error);
      } else resolve(value);
    };

    const onOutput = (chunk: Buffer) => {
      produced += chunk.length;
      if (produced > limits.maxDecompressedBytes) {
        return finish(new HttpError(413, `the body decompresses to more than ${limits.maxDecompressedBytes} bytes; send smaller batches`));
      }
      if (produced > received * limits.maxCompressionRatio + RATIO_SLACK) {
        return finish(
          new HttpError(
            413,
            `the body decompresses to more than ${limits.maxCompressionRatio} times its compressed size, which no recording does; send it uncompressed or in smaller batches`,
          ),
        );
      }
      out.push(chunk);
    };

    const decode = () => {
      const bytes = Buffer.concat(mode === 'gzip' ? out : head);
      if (mode === 'json' && !/^\s*\{/.test(bytes.subarray(0, 64).toString('utf8'))) {
        return finish(new HttpError(415, 'the body is neither gzip (starting with bytes 1f 8b) nor a JSON object (starting with "{")'));
      }
      if (limits.raw) return finish(undefined, bytes);
      const text = bytes.toString('utf8');
      try {
        finish(undefined, JSON.parse(text));
      } catch (error) {
        finish(new HttpError(400, `the body is not valid JSON: ${(error as Error).message}`));
      }
    };

    const start = (): boolean => {
      const first = Buffer.concat(head);
      if (first[0] === 0x1f && first[1] === 0x8b) {
        if (!limits.allowGzip) {
          finish(
            new HttpError(
              401,
              'siteKey is missing from the URL: a gzip body is only read for a known key; send to /v1/ingest?siteKey=<key> (@veil/core does)',
            ),
          );
          return false;
        }
        mode = 'gzip';
        gunzip = createGunzip();
        gunzip.on('data', onOutput);
        gunzip.on('error', () =>
          finish(new HttpError(400, 'the body starts like gzip (1f 8b) but does not decompress: it is truncated or corrupt')),
        );
        gunzip.on('end', () => {
          if (!settled) decode();
        });
        gunzip.write(first);
        head = [];
      } else {
        mode = 'json';
        if (!/^\s*(\{|$)/.test(first.subarray(0, 64).toString('utf8'))) {
          finish(new HttpError(415, 'the body is neither gzip (starting with bytes 1f 8b) nor a JSON object (starting with "{")'));
          return false;
        }
      }
      return true;
    };

    function onData(chunk: Buffer) {
      if (settled) return;
      received += chunk.length;
      if (received > limits.maxBodyBytes) return finish(tooLarge(limits.maxBodyBytes));
      if (mode === 'gzip') {
        // back pressure: the socket waits while zlib (off the main thread) catches up
        if (!gunzip!.write(chunk)) {
          stream.pause();
          gunzip!.once('drain', () => {
            if (!settled) stream.resume();
          });
        }
        return;
      }
      head.push(chunk);
      if (mode === 'json') {
        if (received > limits.maxDecompressedBytes) return finish(tooLarge(limits.maxDecompressedBytes));
        return;
      }
      if (received >= 2) start();
    }

    function onEnd() {
      if (settled) return;
      if (received === 0) return finish(new HttpError(400, 'the body is empty: send one batch as gzip-compressed or plain JSON'));
      if (mode === undefined && !start()) return;
      if (mode === 'gzip') gunzip!.end();
      else decode();
    }

    function onStreamError(error: Error) {
      finish(error);
    }

    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onStreamError);
  });
}

/**
 * Decodes a whole body already in memory, with the collector's default ratio.
 * @example
 * const batch = await decodeBody(buffer, 16 * 1024 * 1024);
 */
export function decodeBody(body: Buffer, maxDecompressedBytes: number, maxCompressionRatio = 100): Promise<unknown> {
  return readBody(Readable.from([body]), { maxBodyBytes: Infinity, maxDecompressedBytes, maxCompressionRatio, allowGzip: true });
}
