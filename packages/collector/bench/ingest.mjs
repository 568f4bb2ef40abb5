// Ingest throughput of the collector on loopback (a benchmark, not a test).
//
//   npm run build -w @veil/core -w @veil/collector
//   node packages/collector/bench/ingest.mjs [--duration 10] [--connections 10]
//
// For SQLite, then PostgreSQL (when /usr/lib/postgresql/<major>/bin exists, or
// VEIL_PG_BIN), it starts a collector in a child process (rate limits off),
// and autocannon drives it: each connection is one visitor whose session
// starts with a meta + full snapshot batch and continues with incremental
// batches (mouse moves, text and attribute mutations, input), about 4 KiB
// gzip each, every one a new (session, seq) so nothing is a duplicate.
// Prints requests/s, p50/p99 latency and the collector's RSS under load.
import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { EventType, IncrementalSource, PROTOCOL_VERSION, SerializedNodeType } from '@veil/core/engine';
import { PG_BIN, postgresAvailable, startPostgres } from '../test/postgres-server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.resolve(here, '..', 'dist', 'index.js');

// ------------------------------------------------------------------ batches

function randomWord(rand) {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  let w = '';
  for (let i = 3 + Math.floor(rand() * 7); i > 0; i--) w += letters[Math.floor(rand() * 26)];
  return w;
}

function makeRandom(seed) {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

const element = (id, tagName, attributes, childNodes = []) => ({ type: SerializedNodeType.Element, id, tagName, attributes, childNodes });
const text = (id, textContent) => ({ type: SerializedNodeType.Text, id, textContent });

/** A page of ~300 nodes: sections of headings, paragraphs, inputs. */
function snapshotEvents(rand, t) {
  let id = 10;
  const sections = [];
  for (let s = 0; s < 30; s++) {
    const words = Array.from({ length: 20 }, () => randomWord(rand)).join(' ');
    sections.push(
      element(id++, 'section', { class: `s${s}` }, [
        element(id++, 'h2', {}, [text(id++, `Section ${randomWord(rand)}`)]),
        element(id++, 'p', { title: randomWord(rand) }, [text(id++, words)]),
        element(id++, 'input', { type: 'text', name: `field${s}`, value: '' }),
      ]),
    );
  }
  return [
    { type: EventType.Meta, timestamp: t, data: { href: 'https://shop.example/products', width: 1280, height: 720 } },
    {
      type: EventType.FullSnapshot,
      timestamp: t + 1,
      data: {
        initialOffset: { left: 0, top: 0 },
        node: {
          type: SerializedNodeType.Document,
          id: 1,
          childNodes: [
            { type: SerializedNodeType.DocumentType, id: 2, name: 'html', publicId: '', systemId: '' },
            element(3, 'html', {}, [element(4, 'head', {}), element(5, 'body', {}, sections)]),
          ],
        },
      },
    },
  ];
}

/** Incremental events over the snapshot's nodes (section i: ids 10+6i … 15+6i). */
function incrementalEvents(rand, t) {
  const events = [];
  for (let i = 0; i < 40; i++) {
    const positions = Array.from({ length: 10 }, (_, k) => ({
      x: Math.floor(rand() * 1280),
      y: Math.floor(rand() * 720),
      id: 5,
      timeOffset: -k * 50,
    }));
    events.push({ type: EventType.IncrementalSnapshot, timestamp: t + i * 100, data: { source: IncrementalSource.MouseMove, positions } });
  }
  for (let i = 0; i < 20; i++) {
    const s = Math.floor(rand() * 30);
    events.push({
      type: EventType.IncrementalSnapshot,
      timestamp: t + 4000 + i,
      data: {
        source: IncrementalSource.Mutation,
        texts: [{ id: 10 + 6 * s + 4, value: Array.from({ length: 8 }, () => randomWord(rand)).join(' ') }],
        attributes: [{ id: 10 + 6 * s + 3, attributes: { title: randomWord(rand) } }],
        removes: [],
        adds: [],
      },
    });
    events.push({
      type: EventType.IncrementalSnapshot,
      timestamp: t + 4100 + i,
      data: { source: IncrementalSource.Input, id: 10 + 6 * s + 5, text: randomWord(rand), isChecked: false },
    });
  }
  return events;
}

function bodyFor(session, seq, key, rand) {
  const t = Date.now();
  const events = seq === 0 ? snapshotEvents(rand, t) : incrementalEvents(rand, t);
  return gzipSync(JSON.stringify({ v: PROTOCOL_VERSION, sessionId: session, seq, siteKey: key, events }));
}

// ------------------------------------------------------------------ PostgreSQL (throw-away server)

// ------------------------------------------------------------------ parent: the load

async function runOne(label, database, { duration, connections }) {
  const { default: autocannon } = await import('autocannon');
  const child = fork(fileURLToPath(import.meta.url), ['--serve', database], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`collector exited with ${code}`)));
  });
  const rssSamples = [];
  const sample = setInterval(() => child.send('rss'), 1000);
  child.on('message', (m) => m.rss && rssSamples.push(m.rss));
  let visitor = 0;
  const rand = makeRandom(42);
  const result = await autocannon({
    // the key in the URL, as @veil/core sends it: the collector reads a gzip body only for a known key
    url: `${ready.url}/v1/ingest?siteKey=${encodeURIComponent(ready.key)}`,
    method: 'POST',
    connections,
    duration,
    headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://shop.example' },
    requests: [
      {
        setupRequest(request, context) {
          // each connection is a visitor; a new session every 50 batches
          if (context.session === undefined || context.seq >= 50) {
            context.session = `bench-${process.pid}-${visitor++}-${Date.now()}`;
            context.seq = 0;
          }
          request.body = bodyFor(context.session, context.seq++, ready.key, rand);
          return request;
        },
      },
    ],
  });
  clearInterval(sample);
  child.send('stop');
  await new Promise((r) => child.once('exit', r));
  const sizes = [bodyFor('x', 0, ready.key, rand).length, bodyFor('x', 1, ready.key, rand).length];
  const steady = rssSamples.slice(Math.floor(rssSamples.length / 2));
  return {
    backend: label,
    'requests/s': Math.round(result.requests.average),
    'p50 ms': result.latency.p50,
    'p99 ms': result.latency.p99,
    requests: result.requests.total,
    'non-2xx': result.non2xx,
    errors: result.errors,
    'RSS MiB (steady, max)': steady.length ? Math.round(Math.max(...steady) / 1024 / 1024) : null,
    'body bytes (snapshot / incremental)': sizes.join(' / '),
  };
}

async function runBench() {
  if (!existsSync(dist)) {
    console.error('packages/collector/dist is missing: run `npm run build -w @veil/core -w @veil/collector` first.');
    process.exit(1);
  }
  const { values } = parseArgs({
    options: { duration: { type: 'string', default: '10' }, connections: { type: 'string', default: '10' } },
  });
  const options = { duration: Number(values.duration), connections: Number(values.connections) };
  console.log(
    `Veil collector ingest benchmark: ${options.connections} connections, ${options.duration} s per back end, Node ${process.version}, ${os.cpus().length} cores`,
  );
  const rows = [];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'veil-bench-'));
  try {
    rows.push(await runOne('sqlite', path.join(dir, 'bench.db'), options));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (postgresAvailable()) {
    const pg = await startPostgres();
    try {
      rows.push(await runOne('postgres', pg.url, options));
    } finally {
      await pg.stop();
    }
  } else {
    console.warn(`PostgreSQL binaries not found in ${PG_BIN} (set VEIL_PG_BIN): skipping the PostgreSQL run.`);
  }
  console.table(rows);
}

// ------------------------------------------------------------------ entry: the parent, or the collector child

if (process.argv[2] === '--serve') {
  const { createCollector, addSite } = await import(dist);
  const collector = await createCollector({
    database: process.argv[3],
    port: 0,
    rateLimits: { ip: false, key: false },
  });
  const { key } = await addSite(collector.storage, { name: 'bench', origins: ['https://shop.example'], privacy: 'balanced' });
  process.on('message', (message) => {
    if (message === 'rss') process.send({ rss: process.memoryUsage().rss });
    if (message === 'stop') collector.close().then(() => process.exit(0));
  });
  process.send({ url: collector.url, key });
} else {
  await runBench();
}
