// The hostile requests of issue 18's findings 1 and 2, timed from both ends:
// what sending one costs the sender (bytes, and the time to put them on the
// socket) and what it costs the server (the request's latency, the CPU time
// the collector process used per request, and the login page's latency while
// a burst of them arrives). They must cost the server about what they cost
// the sender.
import http from 'node:http';
import { gzipSync } from 'node:zlib';
import { EventType, IncrementalSource, PROTOCOL_VERSION, SerializedNodeType } from '@veil/core/engine';
import { BENCH_ORIGIN, cpuMsOfTree, rssOfTree } from './collectors.mjs';
import { describeLogin, percentile, round } from './probe.mjs';

/** 50 MiB of JSON in about 51 KB of gzip (finding 1). */
function gzipBomb() {
  return gzipSync(
    Buffer.concat([
      Buffer.from('{"v":1,"sessionId":"s","seq":0,"events":[],"pad":"'),
      Buffer.alloc(50 * 1024 * 1024, 0x61),
      Buffer.from('"}'),
    ]),
  );
}

/** The collector's --max-batch-bytes when the flag is not given (src/ingest/http.ts). */
export const DEFAULT_MAX_BATCH_BYTES = 16 * 1024 * 1024;

/** A batch of ordinary compressibility (words) that inflates to a little more than `limit` bytes. */
function overMaxBatchBytes(siteKey, limit) {
  let s = 0x9e3779b9;
  const random = () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
  const words = [];
  let length = 0;
  while (length < limit * 1.05) {
    let w = '';
    for (let i = 3 + Math.floor(random() * 7); i > 0; i--) w += String.fromCharCode(97 + Math.floor(random() * 26));
    words.push(w);
    length += w.length + 1;
  }
  const event = { type: EventType.Custom, timestamp: Date.now(), data: { tag: 'note', payload: words.join(' ') } };
  return gzipSync(JSON.stringify({ v: PROTOCOL_VERSION, sessionId: 'over-max', seq: 0, siteKey, events: [event] }));
}

/** Meta + a full snapshot of a page with `n` paragraphs (about 100 bytes of JSON each). */
function bigPageEvents(n, t = Date.now()) {
  const paragraphs = [];
  for (let i = 0; i < n; i++) {
    paragraphs.push({
      type: SerializedNodeType.Element,
      id: 100 + 2 * i,
      tagName: 'p',
      attributes: {},
      childNodes: [{ type: SerializedNodeType.Text, id: 101 + 2 * i, textContent: `paragraph ${i}` }],
    });
  }
  const body = { type: SerializedNodeType.Element, id: 5, tagName: 'body', attributes: {}, childNodes: paragraphs };
  return [
    { type: EventType.Meta, timestamp: t, data: { href: `${BENCH_ORIGIN}/`, width: 1280, height: 720 } },
    {
      type: EventType.FullSnapshot,
      timestamp: t + 1,
      data: {
        node: {
          type: SerializedNodeType.Document,
          id: 1,
          childNodes: [{ type: SerializedNodeType.Element, id: 3, tagName: 'html', attributes: {}, childNodes: [body] }],
        },
        initialOffset: { left: 0, top: 0 },
      },
    },
  ];
}

/** The 187-byte kind of batch: one input event, for any session and seq. */
function tinyBatch(siteKey, sessionId, seq) {
  const event = {
    type: EventType.IncrementalSnapshot,
    timestamp: Date.now(),
    data: { source: IncrementalSource.Input, id: 101, text: `typed ${seq}`, isChecked: false },
  };
  return gzipSync(JSON.stringify({ v: PROTOCOL_VERSION, sessionId, seq, siteKey, events: [event] }));
}

/**
 * POSTs one body. Sender cost: bytes that reached the socket and the time
 * until the last of them was written (or the server closed the connection).
 * Server cost: the time until its answer.
 */
function send(url, body, from) {
  return new Promise((resolve) => {
    const started = performance.now();
    let sentMs = null;
    let answer = null;
    const req = http.request(url, {
      method: 'POST',
      agent: false,
      headers: {
        'content-type': 'text/plain;charset=UTF-8',
        'content-length': String(body.length),
        origin: BENCH_ORIGIN,
        // the collector trusts the loopback proxy (startCollector's hostile set-up): the sender's address
        ...(from ? { 'x-forwarded-for': from } : {}),
      },
    });
    const finish = () => {
      if (answer && sentMs !== null) resolve({ ...answer, sentMs, sentBytes: req.socket?.bytesWritten ?? 0 });
    };
    req.on('response', (res) => {
      const answeredMs = performance.now() - started;
      res.resume();
      res.on('end', () => {
        answer = { status: res.statusCode, answeredMs, retryAfter: res.headers['retry-after'] };
        finish();
      });
    });
    req.on('error', () => {
      answer ??= { status: 'error', answeredMs: performance.now() - started };
      sentMs ??= performance.now() - started;
      finish();
    });
    req.on('close', () => {
      sentMs ??= performance.now() - started;
      finish();
    });
    req.end(body, () => {
      sentMs ??= performance.now() - started;
      finish();
    });
  });
}

/** Sends `count` requests, `parallel` at a time, and sums up both ends' costs. */
/** Sends until the batch is stored, waiting out each 429 or 503 as the recorder would (setting up, not measured). */
async function sendUntilStored(url, body, from) {
  for (;;) {
    const answer = await send(url, body, from);
    if (answer.status !== 429 && answer.status !== 503) return answer;
    await new Promise((resolve) => setTimeout(resolve, Number(answer.retryAfter ?? 1) * 1000));
  }
}

async function burstOf({ label, instance, probe, probeCpuPerMs, count, parallel, request }) {
  const cpuBefore = cpuMsOfTree(instance.pid);
  const from = probe.mark();
  const results = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < count) results.push(await request(next++));
    }),
  );
  const to = probe.mark();
  const serverCpu = Math.max(0, cpuMsOfTree(instance.pid) - cpuBefore - probeCpuPerMs * (to - from));
  const login = await probe.stats(from, to);
  return summarize(label, results, serverCpu, login);
}

/** A table row, its columns always in this order. */
const row = ({ request, sender = '', server = '', answers = '', login = '' }) => ({
  'hostile request': request,
  'sender cost: bytes, ms to send (p50)': sender,
  'server cost: answer p50 / p99 ms, CPU ms per request': server,
  'answers (p50 ms)': answers,
  'login p50 / p99 ms meanwhile': login,
});

function summarize(label, results, serverCpu, login) {
  const byStatus = new Map();
  for (const r of results) byStatus.set(r.status, [...(byStatus.get(r.status) ?? []), r.answeredMs]);
  const answered = results.map((r) => r.answeredMs);
  const sentMs = results.map((r) => r.sentMs);
  const sentBytes = results.map((r) => r.sentBytes);
  return row({
    request: label,
    sender: `${formatBytes(percentile(sentBytes, 50))}, ${round(percentile(sentMs, 50))} ms`,
    server: `${round(percentile(answered, 50))} / ${round(percentile(answered, 99))} ms, ${round(serverCpu / results.length)} ms CPU`,
    answers: [...byStatus].map(([status, ms]) => `${ms.length}× ${status} (${round(percentile(ms, 50))})`).join(', '),
    login: describeLogin(login),
  });
}

const formatBytes = (n) =>
  n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`;

/**
 * Runs the hostile requests against one instance (the login probe running on
 * it); returns table rows and notes. `quick` sends fewer of each.
 */
export async function runHostile({ instance, siteKey, maxBatchBytes, probe, quick, log }) {
  const ingest = (key) => `${instance.url}/v1/ingest${key === undefined ? '' : `?siteKey=${encodeURIComponent(key)}`}`;
  // Each attack comes from its own address (documentation range), so one does not spend
  // another's per-IP budgets; the distributed one from an address per request.
  const address = (n) => `198.51.${100 + Math.floor(n / 250)}.${1 + (n % 250)}`;
  const [bomberWithoutKey, bomber, overSizer, snapshotter] = [0, 1, 2, 3].map(address);
  const botnet = (i) => address(1000 + i);
  const rows = [];
  const notes = [];

  // the login probe's own share of the server's CPU time, taken out of each burst's
  const idleFrom = probe.mark();
  const idleCpu = cpuMsOfTree(instance.pid);
  await new Promise((r) => setTimeout(r, quick ? 2000 : 5000));
  const probeCpuPerMs = (cpuMsOfTree(instance.pid) - idleCpu) / (probe.mark() - idleFrom);
  rows.push(
    row({
      request: '(none: the login page at rest)',
      server: `the login probe: ${round(probeCpuPerMs * 1000)} ms CPU a second (taken out below)`,
      login: describeLogin(await probe.stats(idleFrom)),
    }),
  );

  const burst = (options) => burstOf({ ...options, instance, probe, probeCpuPerMs });

  log('  finding 1: gzip bombs …');
  const bomb = gzipBomb();
  const bombs = quick ? 8 : 40;
  rows.push(
    await burst({
      label: `finding 1: 51 KB gzip bomb (50 MiB inflated), unknown key, ${bombs} requests 4 at a time`,
      count: bombs,
      parallel: 4,
      request: () => send(ingest('vk_unknown'), bomb, bomberWithoutKey),
    }),
  );
  rows.push(
    await burst({
      label: `finding 1: the same bomb with the site's valid key, ${bombs} requests 4 at a time`,
      count: bombs,
      parallel: 4,
      request: () => send(ingest(siteKey), bomb, bomber),
    }),
  );
  const over = overMaxBatchBytes(siteKey, maxBatchBytes);
  const overs = quick ? 2 : 10;
  rows.push(
    await burst({
      label: `finding 1: valid key, words inflating past --max-batch-bytes (${formatBytes(maxBatchBytes)}, from ${formatBytes(over.length)} gzip), ${overs} requests 2 at a time`,
      count: overs,
      parallel: 2,
      request: () => send(ingest(siteKey), over, overSizer),
    }),
  );
  notes.push(
    `the over-size batch took the sender one gzip of ${formatBytes(maxBatchBytes * 1.05)} once (reused for every request); the bomb likewise`,
    'each attack above comes from one address, which meets the per-IP byte budget as configured (default 4 MiB/s of inflated batches after a burst of 64 MiB; a body over --max-batch-bytes spends that many): once it is spent, the address is answered 429 with Retry-After before its bodies are read',
  );

  log('  finding 2: new sessions with large snapshots …');
  const paragraphs = 10_000;
  const snapshotTail = gzipSync(JSON.stringify({ v: PROTOCOL_VERSION, siteKey, events: bigPageEvents(paragraphs) }).slice(1));
  const firstBatch = (sessionId) => Buffer.concat([gzipSync(`{"sessionId":${JSON.stringify(sessionId)},"seq":0,`), snapshotTail]);
  const sessions = quick ? 20 : 200;
  const snapshotJson = formatBytes(JSON.stringify(bigPageEvents(paragraphs)).length);
  const tag = `hostile-${Date.now()}`;
  rows.push(
    await burst({
      label: `finding 2: first batches of ${sessions} new sessions from one address, each a ${paragraphs}-paragraph snapshot (${snapshotJson} JSON), 4 at a time`,
      count: sessions,
      parallel: 4,
      request: (i) => send(ingest(siteKey), firstBatch(`${tag}-${i}`), snapshotter),
    }),
  );
  const rssBefore = rssOfTree(instance.pid);
  rows.push(
    await burst({
      label: `finding 2: the same from ${sessions} addresses, one new session each (a botnet: every one is valid work to store)`,
      count: sessions,
      parallel: 4,
      request: (i) => send(ingest(siteKey), firstBatch(`${tag}-spread-${i}`), botnet(i)),
    }),
  );
  notes.push(
    `collector RSS ${formatBytes(rssBefore)} before the sessions from many addresses, ${formatBytes(rssOfTree(instance.pid))} after (the scrubber cache is bounded at 256 MiB estimated by default; RSS also holds garbage V8 has not collected yet)`,
  );

  log('  finding 2: batches out of sequence …');
  const victims = quick ? 2 : 10;
  for (let v = 0; v < victims; v++) {
    // a session stored as a visitor would (waiting out any refusal), then attacked from another address
    await sendUntilStored(ingest(siteKey), firstBatch(`${tag}-victim-${v}`), address(100 + v));
    await sendUntilStored(ingest(siteKey), tinyBatch(siteKey, `${tag}-victim-${v}`, 1), address(100 + v));
  }
  // per session: a jump far ahead, then every other hole behind it (never the cached scrubber's next
  // seq); each would re-read and re-scrub the stored batches
  const perSession = 20;
  const seqs = [1000, ...Array.from({ length: perSession - 1 }, (_, i) => 2 + 2 * i)];
  const bodies = [];
  for (let i = 0; i < perSession; i++) for (let v = 0; v < victims; v++) bodies.push(tinyBatch(siteKey, `${tag}-victim-${v}`, seqs[i]));
  const outOfOrder = await burst({
    label: `finding 2: ${bodies.length} batches out of sequence (${perSession} per stored session with a ${paragraphs}-paragraph snapshot, ~${bodies[0].length} B each), 4 at a time`,
    count: bodies.length,
    parallel: 4,
    request: (i) => send(ingest(siteKey), bodies[i], address(200 + (i % victims))),
  });
  rows.push(outOfOrder);
  notes.push('batches out of sequence: 3 rebuilds per session are allowed at once (200), then 429 with Retry-After');
  return { rows, notes };
}
