// A collector told to stop (SIGTERM) finishes the batches in progress, stores
// every one it answered 200, refuses what arrives meanwhile, and exits 0.
// Runs the built bin (dist/cli.js) as a child process, as a deployment does.
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '@veil/core/engine';
import { createCollector } from '../src/server';
import { addSite } from '../src/settings/sites';
import { openStorage } from '../src/storage/index';
import { ORIGIN, firstEvents, makeDatabase } from './helpers';

const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.js');

let child: ChildProcess | undefined;
let cleanup: (() => void) | undefined;
afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  cleanup?.();
});

/** Resolves with the first match of `pattern` in the child's output. */
function waitForOutput(stream: NodeJS.ReadableStream, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const match = pattern.exec(text);
      if (match) {
        stream.off('data', onData);
        resolve(match);
      }
    };
    stream.on('data', onData);
  });
}

type Answer = { status: number } | { error: string };

/**
 * A POST that sends its headers with Expect: 100-continue and its body only
 * when told: `started` resolves once the server has begun the request.
 */
function postLater(url: string, body: Buffer) {
  let sendBody!: () => void;
  const go = new Promise<void>((resolve) => (sendBody = resolve));
  let begun!: () => void;
  const started = new Promise<void>((resolve) => (begun = resolve));
  const answer = new Promise<Answer>((resolve) => {
    const request = http.request(url, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'text/plain', origin: ORIGIN, 'content-length': String(body.length), expect: '100-continue' },
    });
    request.on('continue', () => {
      begun();
      void go.then(() => request.end(body));
    });
    request.on('response', (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode! }));
    });
    request.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
  });
  return { started, sendBody, answer };
}

function post(url: string, body: Buffer): Promise<Answer> {
  return new Promise((resolve) => {
    const request = http.request(
      url,
      { method: 'POST', agent: false, headers: { 'content-type': 'text/plain', origin: ORIGIN } },
      (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode! }));
      },
    );
    request.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    request.end(body);
  });
}

const body = (sessionId: string, seq = 0) => Buffer.from(JSON.stringify({ v: PROTOCOL_VERSION, sessionId, seq, events: firstEvents() }));

describe('SIGTERM', () => {
  it('stores every batch in progress, refuses new requests while it drains, and exits 0', async () => {
    const db = await makeDatabase('sqlite');
    cleanup = db.cleanup;
    const setup = openStorage(db.database);
    await setup.migrate();
    const { key, site } = await addSite(setup, { name: 'shop', origins: [ORIGIN], privacy: 'relaxed' });
    await setup.close();

    child = spawn(
      process.execPath,
      [cli, 'serve', '--database', db.database, '--port', '0', '--ingest-workers', '2', '--drain-seconds', '60'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    const [, url] = await waitForOutput(child.stdout!, /running at (http:\/\/127\.0\.0\.1:\d+)\//);
    const ingest = `${url}/v1/ingest?siteKey=${encodeURIComponent(key)}`;
    expect(await post(ingest, body('before'))).toEqual({ status: 200 });

    // batches the server has begun (their headers read), whose bodies are still to come
    const inFlight = Array.from({ length: 4 }, (_, i) => postLater(ingest, body(`in-flight-${i}`)));
    await Promise.all(inFlight.map((request) => request.started));

    const draining = waitForOutput(child.stderr!, /SIGTERM: refusing new requests/);
    child.kill('SIGTERM');
    await draining;

    // what arrives now is refused, or taken and stored: never dropped without an answer
    const late = await post(ingest, body('late'));
    const ready = await new Promise<Answer>((resolve) => {
      http
        .get(`${url}/readyz`, { agent: false }, (response) => {
          response.resume();
          response.on('end', () => resolve({ status: response.statusCode! }));
        })
        .on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    });
    expect(['ECONNREFUSED', 'ECONNRESET', 503]).toContain('error' in ready ? ready.error : ready.status);

    for (const request of inFlight) request.sendBody();
    const answers = await Promise.all(inFlight.map((request) => request.answer));
    expect(answers).toEqual(inFlight.map(() => ({ status: 200 })));
    expect(await exited).toBe(0);

    const storage = openStorage(db.database);
    try {
      for (let i = 0; i < inFlight.length; i++) expect(await storage.getBatches(site.id, `in-flight-${i}`)).toHaveLength(1);
      expect(await storage.getBatches(site.id, 'before')).toHaveLength(1);
      if ('status' in late && late.status === 200) expect(await storage.getBatches(site.id, 'late')).toHaveLength(1);
      else expect(['ECONNREFUSED', 'ECONNRESET', 503]).toContain('error' in late ? late.error : late.status);
    } finally {
      await storage.close();
    }
  });
});

describe('close()', () => {
  it('cuts off a request still unfinished after drainSeconds, so a stalled client cannot hold the shutdown', async () => {
    const db = await makeDatabase('sqlite');
    cleanup = db.cleanup;
    const collector = await createCollector({ database: db.database, port: 0, playerPort: 0, ingestWorkers: 1, drainSeconds: 1 });
    const { key } = await addSite(collector.storage, { name: 'shop', origins: [ORIGIN], privacy: 'relaxed' });
    // its headers are read, its body never comes
    const stalled = postLater(`${collector.url}/v1/ingest?siteKey=${encodeURIComponent(key)}`, body('stalled'));
    await stalled.started;
    await collector.close();
    expect(await stalled.answer).toEqual({ error: 'ECONNRESET' });
  });
});
