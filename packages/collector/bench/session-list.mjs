// The session list's response time with 100,000 sessions in one site, on
// SQLite and (when its binaries are installed) a throw-away PostgreSQL: the
// queries the viewer's list page runs, first page and deep keyset pages,
// each sort, and the filters. Rows are bulk-inserted with SQL shaped like
// what the ingest pipeline writes (the pipeline itself would take minutes).
//
//   npm run build -w @veil/collector && node packages/collector/bench/session-list.mjs [sessions]
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { createPostgresStorage, createSqliteStorage } from '../dist/index.js';
import { freshDatabase, postgresAvailable, startPostgres } from '../test/postgres-server.mjs';

const N = Number(process.argv[2] ?? 100_000);
const T0 = Date.UTC(2026, 0, 1);
const PATHS = ['/', '/products', '/products/linen-overshirt', '/cart', '/checkout', '/thanks', '/blog/linen', '/account'];

function* sessions() {
  for (let i = 0; i < N; i++) {
    const start = T0 + i * 60_000 + (i % 7) * 1000;
    const duration = ((i * 7919) % 1800) * 1000;
    const clicks = (i * 31) % 40;
    const inputs = (i * 17) % 12;
    const pages = 1 + (i % 5);
    const urls = Array.from({ length: pages }, (_, k) => `https://shop.example${PATHS[(i + k * 3) % PATHS.length]}`);
    const batches = 1 + (i % 9);
    const missing = i % 97 === 0 ? 1 : 0;
    yield {
      id: `s-${String(i).padStart(6, '0')}`,
      visitor: `v-${i % 20_000}`,
      start,
      duration,
      clicks,
      inputs,
      pages,
      urls,
      batches,
      maxSeq: batches - 1 + missing,
      dropped: i % 211 === 0 ? 2 : 0,
    };
  }
}

const QUERIES = [
  ['first page, newest first', { sort: 'start' }],
  ['page 1000 by keyset (start)', { sort: 'start', after: { value: T0 + (N - 50_000) * 60_000, sessionId: 's-050000' } }],
  ['longest first', { sort: 'duration' }],
  ['most active first', { sort: 'activity' }],
  ['one day', { sort: 'start', from: T0 + 10 * 86_400_000, to: T0 + 11 * 86_400_000 }],
  ['visited URL contains /checkout', { sort: 'start', url: '/checkout' }],
  ['visited URL equals …/thanks', { sort: 'start', url: 'https://shop.example/thanks', urlMatch: 'equals' }],
  // the worst case of a URL filter: nothing matches, so every session of the site is probed
  ['visited URL contains /nowhere (no match)', { sort: 'start', url: '/nowhere' }],
  ['min. duration 25 min, 4+ pages', { sort: 'start', minDurationMs: 25 * 60_000, minPages: 4 }],
  ['one visitor', { sort: 'start', visitorId: 'v-1234' }],
  ['with gaps', { sort: 'start', hasGaps: true }],
];

async function measure(storage, siteId) {
  const rows = [];
  for (const [name, q] of QUERIES) {
    await storage.findSessions(siteId, { ...q, limit: 51 }); // warm
    const times = [];
    let count = 0;
    for (let r = 0; r < 7; r++) {
      const t = process.hrtime.bigint();
      count = (await storage.findSessions(siteId, { ...q, limit: 51 })).length;
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    times.sort((a, b) => a - b);
    rows.push({ query: name, rows: count, 'median ms': times[3].toFixed(2), 'max ms': times[6].toFixed(2) });
  }
  return rows;
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'veil-list-bench-'));
try {
  // ---------------------------------------------------------------- SQLite
  const file = path.join(dir, 'veil.db');
  const sqlite = createSqliteStorage({ filename: file });
  await sqlite.migrate();
  await sqlite.createSite({ name: 'shop', origins: ['https://shop.example'], privacy: 'strict', keyHash: 'x' });
  await sqlite.close();
  const db = new Database(file);
  const insert =
    db.prepare(`INSERT INTO sessions (site_id, session_id, visitor_id, started_at, ended_at, first_received_at, last_received_at, batches, events, bytes, pages, max_seq,
    dropped_batches, dropped_events, duration, clicks, inputs, activity, first_url, first_url_at, last_url, last_url_at)
    VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertUrl = db.prepare('INSERT OR IGNORE INTO session_urls (site_id, session_id, url) VALUES (1, ?, ?)');
  let t = Date.now();
  db.transaction(() => {
    for (const s of sessions()) {
      insert.run(
        s.id,
        s.visitor,
        s.start,
        s.start + s.duration,
        s.start,
        s.start + s.duration,
        s.batches,
        s.batches * 40,
        s.batches * 3000,
        s.pages,
        s.maxSeq,
        s.dropped,
        s.duration,
        s.clicks,
        s.inputs,
        s.clicks + s.inputs,
        s.urls[0],
        s.start,
        s.urls.at(-1),
        s.start + s.duration,
      );
      for (const u of s.urls) insertUrl.run(s.id, u);
    }
  })();
  db.exec('ANALYZE');
  db.close();
  console.log(`SQLite: ${N} sessions inserted in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  const sqliteStorage = createSqliteStorage({ filename: file });
  console.table(await measure(sqliteStorage, 1));
  await sqliteStorage.close();

  // ---------------------------------------------------------------- PostgreSQL
  if (!postgresAvailable()) {
    console.log('PostgreSQL binaries not found (set VEIL_PG_BIN): skipped.');
  } else {
    const server = await startPostgres();
    try {
      const url = await freshDatabase(server.url);
      const storage = createPostgresStorage({ connectionString: url });
      await storage.migrate();
      await storage.createSite({ name: 'shop', origins: ['https://shop.example'], privacy: 'strict', keyHash: 'x' });
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      t = Date.now();
      const all = [...sessions()];
      for (let i = 0; i < all.length; i += 5000) {
        const chunk = all.slice(i, i + 5000);
        await client.query(
          `INSERT INTO sessions (site_id, session_id, visitor_id, started_at, ended_at, first_received_at, last_received_at, batches, events, bytes, pages, max_seq,
             dropped_batches, dropped_events, duration, clicks, inputs, activity, first_url, first_url_at, last_url, last_url_at)
           SELECT 1, x.id, x.visitor, x.start, x.start + x.duration, x.start, x.start + x.duration, x.batches, x.batches * 40, x.batches * 3000, x.pages, x.max_seq,
             x.dropped, 0, x.duration, x.clicks, x.inputs, x.clicks + x.inputs, x.first_url, x.start, x.last_url, x.start + x.duration
           FROM json_to_recordset($1) AS x(id text, visitor text, start bigint, duration bigint, batches int, pages int, max_seq int, dropped bigint, clicks bigint, inputs bigint, first_url text, last_url text)`,
          [JSON.stringify(chunk.map((s) => ({ ...s, max_seq: s.maxSeq, first_url: s.urls[0], last_url: s.urls.at(-1) })))],
        );
        await client.query(
          `INSERT INTO session_urls (site_id, session_id, url) SELECT 1, x.id, x.url FROM json_to_recordset($1) AS x(id text, url text) ON CONFLICT DO NOTHING`,
          [JSON.stringify(chunk.flatMap((s) => s.urls.map((u) => ({ id: s.id, url: u }))))],
        );
      }
      await client.query('ANALYZE');
      await client.end();
      console.log(`PostgreSQL: ${N} sessions inserted in ${((Date.now() - t) / 1000).toFixed(1)} s`);
      console.table(await measure(storage, 1));
      await storage.close();
    } finally {
      await server.stop();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
