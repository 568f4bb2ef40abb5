// An existing database upgrades in place to schema 4 (two-factor login, the
// audit log): built as the collector before it (schema 3: settings and roles) leaves it, with a site, a
// user, a login session and a recording in it, then opened by this one.
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { recordAudit } from '../src/audit/audit';
import { hashPassword } from '../src/auth/password';
import { hashSessionId } from '../src/auth/sessions';
import { hashKey } from '../src/ingest/keys';
import { createCollector, type Collector } from '../src/server';
import { POSTGRES_MIGRATIONS, createPostgresStorage } from '../src/storage/postgres';
import { SQLITE_MIGRATIONS, createSqliteStorage } from '../src/storage/sqlite';
import type { Storage } from '../src/storage/types';
import { BACKENDS, gz, makeDatabase, pgUrl, T0, firstEvents, type Backend } from './helpers';
import { Jar, client } from './viewer-client';

const PASSWORD = 'correct horse battery staple';
const TODAY = 3;

let cleanup: (() => void) | undefined;
let collector: Collector | undefined;
afterEach(async () => {
  await collector?.close();
  collector = undefined;
  cleanup?.();
});

/** The schema as today's collector leaves it: its first TODAY migrations, its version row, its secret. */
async function buildTodaysDatabase(backend: Backend, database: string) {
  if (backend === 'sqlite') {
    const db = new Database(database);
    db.exec('CREATE TABLE schema_version (version INTEGER NOT NULL)');
    for (const sql of SQLITE_MIGRATIONS.slice(0, TODAY)) db.exec(sql);
    db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(TODAY);
    db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('server_secret', randomBytes(32));
    db.close();
  } else {
    const pool = new pg.Pool({ connectionString: database, max: 1 });
    await pool.query('CREATE TABLE schema_version (version INTEGER NOT NULL)');
    for (const sql of POSTGRES_MIGRATIONS.slice(0, TODAY)) await pool.query(sql);
    await pool.query('INSERT INTO schema_version (version) VALUES ($1)', [TODAY]);
    await pool.query('INSERT INTO meta (key, value) VALUES ($1, $2)', ['server_secret', randomBytes(32)]);
    await pool.end();
  }
}

/** One batch and its session row, with the columns of the first TODAY migrations only. */
async function writeTodaysBatch(backend: Backend, database: string, siteId: number, blob: Buffer) {
  const now = Date.now();
  const batch = [siteId, 'old-session', 0, now, 4, true, 0, 0, blob];
  const session = [siteId, 'old-session', 'visitor-1', T0, T0 + 3, now, now, 1, 4, blob.length, 1, 0, 0, 0, 3, 2, 1, 3];
  const batchSql = (p: (i: number) => string) =>
    `INSERT INTO batches (site_id, session_id, seq, received_at, event_count, has_full_snapshot, dropped_batches, dropped_events, blob)
     VALUES (${batch.map((_, i) => p(i)).join(', ')})`;
  const sessionSql = (p: (i: number) => string) =>
    `INSERT INTO sessions (site_id, session_id, visitor_id, started_at, ended_at, first_received_at, last_received_at,
       batches, events, bytes, pages, max_seq, dropped_batches, dropped_events, duration, clicks, inputs, activity)
     VALUES (${session.map((_, i) => p(i)).join(', ')})`;
  if (backend === 'sqlite') {
    const db = new Database(database);
    db.prepare(batchSql(() => '?')).run(...batch.map((v) => (v === true ? 1 : v)));
    db.prepare(sessionSql(() => '?')).run(...session);
    db.close();
  } else {
    const pool = new pg.Pool({ connectionString: database, max: 1 });
    await pool.query(
      batchSql((i) => `$${i + 1}`),
      batch,
    );
    await pool.query(
      sessionSql((i) => `$${i + 1}`),
      session,
    );
    await pool.end();
  }
}

const open = (backend: Backend, database: string): Storage =>
  backend === 'sqlite' ? createSqliteStorage({ filename: database }) : createPostgresStorage({ connectionString: database });

/** Table and column names and types, to compare an upgraded schema with a fresh one. */
async function schemaOf(backend: Backend, database: string): Promise<string[]> {
  if (backend === 'sqlite') {
    const db = new Database(database, { readonly: true });
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as {
        name: string;
      }[]
    ).map((r) => r.name);
    const out = tables.flatMap((table) =>
      (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string; type: string; notnull: number }[]).map(
        (col) => `${table}.${col.name} ${col.type} ${col.notnull}`,
      ),
    );
    out.push(
      ...(
        db
          .prepare(
            "SELECT type || ' ' || name AS x FROM sqlite_master WHERE type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY name",
          )
          .all() as { x: string }[]
      ).map((r) => r.x),
    );
    db.close();
    return out.sort();
  }
  const pool = new pg.Pool({ connectionString: database, max: 1 });
  const columns = await pool.query(
    "SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable AS x FROM information_schema.columns WHERE table_schema = 'public'",
  );
  const indexes = await pool.query("SELECT 'index ' || indexname AS x FROM pg_indexes WHERE schemaname = 'public'");
  const triggers = await pool.query(
    "SELECT 'trigger ' || trigger_name AS x FROM information_schema.triggers WHERE trigger_schema = 'public'",
  );
  await pool.end();
  return [...columns.rows, ...indexes.rows, ...triggers.rows].map((r) => r.x as string).sort();
}

for (const backend of BACKENDS) {
  describe.skipIf(backend === 'postgres' && !pgUrl())(`upgrading a ${backend} database of today's collector`, () => {
    it('keeps its sites, users, logins and recordings, and gains two-factor login and the audit log', async () => {
      const db = await makeDatabase(backend);
      cleanup = db.cleanup;
      await buildTodaysDatabase(backend, db.database);

      // data written the way today's collector writes it, before the upgrade
      const old = open(backend, db.database);
      const site = await old.createSite({
        name: 'shop',
        origins: ['https://shop.example'],
        privacy: 'relaxed',
        keyHash: hashKey('vk_old-key'),
      });
      const user = await old.createUser({ email: 'alice@example.com', passwordHash: await hashPassword(PASSWORD) });
      await old.addUserToSite(user.id, site.id, 'admin');
      await old.createLoginSession(hashSessionId('a'.repeat(43)), { userId: user.id, expiresAt: Date.now() + 3_600_000 });
      await old.close();
      // its batch, as today's collector stores it (today's storage code writes columns of later migrations)
      await writeTodaysBatch(backend, db.database, site.id, gz(firstEvents()));

      // the new collector opens it: migration 4 and the later ones run in place
      collector = await createCollector({ database: db.database, listen: false });
      const storage = collector.storage;
      expect(await storage.getSiteByName('shop')).toMatchObject({ id: site.id, origins: ['https://shop.example'], privacy: 'relaxed' });
      expect(await storage.getSiteByKeyHash(hashKey('vk_old-key'))).toMatchObject({ id: site.id });
      expect(await storage.getLoginSession(hashSessionId('a'.repeat(43)), Date.now())).toMatchObject({ userId: user.id });
      expect(await storage.getSession(site.id, 'old-session')).toMatchObject({ visitorId: 'visitor-1', events: 4, clicks: 2, inputs: 1 });
      expect((await storage.getBatches(site.id, 'old-session')).length).toBe(1);
      // existing users have two-factor login off, and an empty log
      expect(await storage.getTwoFactor(user.id)).toEqual({ secret: null, pendingSecret: null, lastStep: null, recoveryCodesLeft: 0 });
      expect(await storage.listAudit(site.id, { limit: 10 })).toEqual([]);

      // the old user logs in with the old password (the new policy applies to new passwords only), and is logged
      const c = client(() => collector!);
      const { res, jar } = await c.login('alice@example.com', PASSWORD, new Jar());
      expect(res.headers.location).toBe('/');
      expect((await c.get(jar, '/sites/shop')).body).toContain('old-session');
      await recordAudit(storage, { siteId: site.id, userId: null, action: 'test.line', detail: 'after the upgrade' });
      expect((await storage.listAudit(site.id, { limit: 10 })).map((e) => e.action)).toEqual(['test.line', 'login']);

      // the upgraded schema is the one a new database gets, and a restart does not migrate again
      const fresh = await makeDatabase(backend);
      const freshStorage = open(backend, fresh.database);
      await freshStorage.migrate();
      await freshStorage.close();
      await collector.close();
      expect(await schemaOf(backend, db.database)).toEqual(await schemaOf(backend, fresh.database));
      collector = await createCollector({ database: db.database, listen: false });
      expect(await collector.storage.getSession(site.id, 'old-session')).not.toBeNull();
      fresh.cleanup();

      const version = async () => {
        if (backend === 'sqlite') {
          const raw = new Database(db.database, { readonly: true });
          const row = raw.prepare('SELECT version FROM schema_version').get() as { version: number };
          raw.close();
          return row.version;
        }
        const pool = new pg.Pool({ connectionString: db.database, max: 1 });
        const { rows } = await pool.query('SELECT version FROM schema_version');
        await pool.end();
        return rows[0].version;
      };
      expect(await version()).toBe(backend === 'sqlite' ? SQLITE_MIGRATIONS.length : POSTGRES_MIGRATIONS.length);

      // the visitor ids of sessions stored before are known to the deletion (the upgrade copied them)
      const upgraded = collector.storage;
      const laterBatch = {
        siteId: site.id,
        sessionId: 'other-session',
        seq: 0,
        visitorId: 'visitor-2',
        receivedAt: Date.now(),
        blob: gz(firstEvents()),
        eventCount: 4,
        firstTimestamp: T0,
        lastTimestamp: T0 + 3,
        pages: 1,
        hasFullSnapshot: true,
        droppedBatches: 0,
        droppedEvents: 0,
        clicks: 2,
        inputs: 1,
      };
      await upgraded.writeBatch(laterBatch);
      await upgraded.writeBatch({ ...laterBatch, sessionId: 'old-session', seq: 1 });
      expect(await upgraded.deleteVisitor(site.id, 'visitor-1')).toBe(1);
      expect(await upgraded.deleteVisitor(site.id, 'visitor-2')).toBe(1);
      expect(await upgraded.getSession(site.id, 'other-session')).toBeNull();
    });
  });
}
