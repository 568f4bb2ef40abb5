// Migration 3 (settings and roles) upgrades a database of the previous
// schema in place: its data stays, sites get the settings that mean "as
// before", and every existing user of a site becomes its admin.
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { addUser } from '../src/auth/users';
import { decodeBlob } from '../src/recordings/blob';
import { createCollector } from '../src/server';
import { SQLITE_MIGRATIONS } from '../src/storage/sqlite';
import { POSTGRES_MIGRATIONS } from '../src/storage/postgres';
import { openStorage } from '../src/storage/index';
import { hashKey } from '../src/ingest/keys';
import { BACKENDS, ORIGIN, batch, makeDatabase, pgUrl, send, type Backend } from './helpers';

const KEY = 'vk_old-database-key';
const EVENTS = [{ type: 4, timestamp: 1000, data: { href: `${ORIGIN}/`, width: 800, height: 600 } }];

/** The rows today's collector would have written, in the schema of migrations 1 and 2. */
const OLD_ROWS: [string, unknown[]][] = [
  ['INSERT INTO meta (key, value) VALUES ($1, $2)', ['server_secret', Buffer.alloc(32, 7)]],
  [
    'INSERT INTO sites (id, name, key_hash, origins, privacy, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
    [1, 'shop', hashKey(KEY), JSON.stringify([ORIGIN]), 'balanced', 1000],
  ],
  ['INSERT INTO users (id, email, password_hash, created_at) VALUES ($1, $2, $3, $4)', [1, 'old-owner@example.com', 'scrypt$x', 1000]],
  ['INSERT INTO users (id, email, password_hash, created_at) VALUES ($1, $2, $3, $4)', [2, 'old-colleague@example.com', 'scrypt$y', 1000]],
  ['INSERT INTO user_sites (user_id, site_id) VALUES ($1, $2)', [1, 1]],
  ['INSERT INTO user_sites (user_id, site_id) VALUES ($1, $2)', [2, 1]],
  [
    `INSERT INTO sessions (site_id, session_id, visitor_id, started_at, ended_at, first_received_at, last_received_at, batches, events, bytes, pages, max_seq, dropped_batches, dropped_events, clicks)
     VALUES (1, 'old-session', 'v1', 1000, 1000, $1, $2, 1, 1, 10, 1, 0, 0, 0, 3)`,
    [Date.now(), Date.now()],
  ],
  [
    'INSERT INTO batches (site_id, session_id, seq, received_at, event_count, has_full_snapshot, dropped_batches, dropped_events, blob) VALUES (1, $1, 0, $2, 1, $3, 0, 0, $4)',
    ['old-session', Date.now(), false, gzipSync(JSON.stringify(EVENTS))],
  ],
];

async function oldDatabase(backend: Backend, database: string): Promise<void> {
  if (backend === 'sqlite') {
    const db = new Database(database);
    db.exec('CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (2);');
    for (const sql of SQLITE_MIGRATIONS.slice(0, 2)) db.exec(sql);
    for (const [sql, params] of OLD_ROWS)
      db.prepare(sql.replace(/\$\d+/g, '?')).run(...params.map((p) => (typeof p === 'boolean' ? Number(p) : p)));
    db.close();
    return;
  }
  const client = new pg.Client({ connectionString: database });
  await client.connect();
  try {
    await client.query('CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (2);');
    for (const sql of POSTGRES_MIGRATIONS.slice(0, 2)) await client.query(sql);
    for (const [sql, params] of OLD_ROWS) {
      await client.query(sql, params);
    }
    await client.query("SELECT setval(pg_get_serial_sequence('users', 'id'), 2)");
    await client.query("SELECT setval(pg_get_serial_sequence('sites', 'id'), 1)");
  } finally {
    await client.end();
  }
}

for (const backend of BACKENDS) {
  const skip = backend === 'postgres' && !pgUrl();
  describe.skipIf(skip)(`migration 3 on ${backend}`, () => {
    let cleanup = () => undefined as void;
    afterEach(() => cleanup());

    it('upgrades a database of the previous schema in place, keeping its data', async () => {
      const db = await makeDatabase(backend as Backend);
      cleanup = db.cleanup;
      await oldDatabase(backend as Backend, db.database);

      const storage = openStorage(db.database);
      try {
        await storage.migrate();
        await storage.migrate(); // a second start does nothing more
        const site = await storage.getSiteByName('shop');
        expect(site).toMatchObject({
          id: 1,
          privacy: 'balanced',
          origins: [ORIGIN],
          recording: true,
          recordInputs: true,
          sampleRate: 1,
          retentionDays: null,
        });
        // no one is locked out of their own site: every existing link is an admin
        expect((await storage.usersOfSite(1)).map((m) => [m.user.email, m.role])).toEqual([
          ['old-colleague@example.com', 'admin'],
          ['old-owner@example.com', 'admin'],
        ]);
        expect((await storage.getServerSecret()).equals(Buffer.alloc(32, 7))).toBe(true);
        const [session] = await storage.listSessions(1);
        expect(session).toMatchObject({ sessionId: 'old-session', visitorId: 'v1', clicks: 3, batches: 1 });
        const [stored] = await storage.getBatches(1, 'old-session');
        expect(await decodeBlob(stored.blob)).toEqual(EVENTS);
        // after the upgrade, a new user of the site is a viewer (it has admins)
        const { user } = await addUser(storage, { email: 'newcomer@example.com', password: 'correct horse battery', sites: ['shop'] });
        expect((await storage.sitesOfUser(user.id))[0].role).toBe('viewer');
        expect(await storage.invitationsOfSite(1, Date.now())).toEqual([]);
      } finally {
        await storage.close();
      }

      // the old key still sends, and the answer carries the defaults
      const collector = await createCollector({ database: db.database, listen: false });
      try {
        const res = await send(collector, batch({ siteKey: KEY, sessionId: 'after-upgrade' }));
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json().settings).toEqual({ v: 1, recording: true, privacy: 'balanced', recordInputs: true, sampleRate: 1 });
      } finally {
        await collector.close();
      }
    });
  });
}
