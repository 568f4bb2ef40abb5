import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { PrivacyMode } from '@veil/core/engine';
import { EXTERNAL_BLOB, deleteSessionsWithBlobs, loadBlobs, writeBatchWithBlob, type BlobStore, type StoredBatchRow } from './blob-store';
import { gapBefore } from './gaps';
import type { BatchWrite, Invitation, LoginSession, MemberSite, Site, Storage, WriteResult } from './types';
import { auditFromRow, sessionFromRow, userFromRow } from './rows';
import { SESSION_LIST_COLUMNS, sessionListSql, sqliteDialect } from './session-query';

// Each entry runs once, in order, inside one transaction with its version bump.
// Exported for the upgrade tests, which build a database as an older collector left it.
export const SQLITE_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
  CREATE TABLE sites (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    key_hash TEXT NOT NULL UNIQUE,
    origins TEXT NOT NULL,
    privacy TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE user_sites (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    site_id INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, site_id)
  );
  CREATE TABLE login_sessions (
    id_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL
  );
  CREATE TABLE sessions (
    site_id INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    session_id TEXT NOT NULL,
    visitor_id TEXT,
    started_at INTEGER,
    ended_at INTEGER,
    first_received_at INTEGER NOT NULL,
    last_received_at INTEGER NOT NULL,
    batches INTEGER NOT NULL,
    events INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    pages INTEGER NOT NULL,
    max_seq INTEGER NOT NULL,
    dropped_batches INTEGER NOT NULL,
    dropped_events INTEGER NOT NULL,
    PRIMARY KEY (site_id, session_id)
  );
  CREATE INDEX sessions_by_site_time ON sessions (site_id, last_received_at);
  CREATE INDEX sessions_by_visitor ON sessions (site_id, visitor_id);
  CREATE INDEX sessions_by_time ON sessions (last_received_at);
  CREATE TABLE batches (
    site_id INTEGER NOT NULL,
    session_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    event_count INTEGER NOT NULL,
    has_full_snapshot INTEGER NOT NULL,
    dropped_batches INTEGER NOT NULL,
    dropped_events INTEGER NOT NULL,
    blob BLOB NOT NULL,
    PRIMARY KEY (site_id, session_id, seq)
  );
  CREATE TABLE gaps (
    site_id INTEGER NOT NULL,
    session_id TEXT NOT NULL,
    expected_seq INTEGER NOT NULL,
    received_seq INTEGER NOT NULL,
    received_at INTEGER NOT NULL
  );
  CREATE INDEX gaps_by_session ON gaps (site_id, session_id);
  `,
  // 2: what the session list sorts and filters by. Sessions stored before
  // this have no clicks, inputs or URLs counted (their blobs are not re-read).
  `
  ALTER TABLE sessions ADD COLUMN duration INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE sessions ADD COLUMN clicks INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE sessions ADD COLUMN inputs INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE sessions ADD COLUMN activity INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE sessions ADD COLUMN first_url TEXT;
  ALTER TABLE sessions ADD COLUMN first_url_at INTEGER;
  ALTER TABLE sessions ADD COLUMN last_url TEXT;
  ALTER TABLE sessions ADD COLUMN last_url_at INTEGER;
  UPDATE sessions SET duration = ended_at - started_at WHERE started_at IS NOT NULL AND ended_at IS NOT NULL;
  CREATE INDEX sessions_by_start ON sessions (site_id, started_at, session_id);
  CREATE INDEX sessions_by_duration ON sessions (site_id, duration, session_id);
  CREATE INDEX sessions_by_activity ON sessions (site_id, activity, session_id);
  CREATE TABLE session_urls (
    site_id INTEGER NOT NULL,
    session_id TEXT NOT NULL,
    url TEXT NOT NULL,
    PRIMARY KEY (site_id, session_id, url)
  );
  CREATE INDEX session_urls_by_url ON session_urls (site_id, url);
  `,
  // 3: the site's settings (issue 19) and each user's role on each site. Links
  // made before roles existed become admin: those users ran their sites, and
  // none of them may be locked out of their own site's settings.
  `
  ALTER TABLE sites ADD COLUMN recording INTEGER NOT NULL DEFAULT 1;
  ALTER TABLE sites ADD COLUMN record_inputs INTEGER NOT NULL DEFAULT 1;
  ALTER TABLE sites ADD COLUMN sample_rate REAL NOT NULL DEFAULT 1;
  ALTER TABLE sites ADD COLUMN retention_days INTEGER;
  ALTER TABLE user_sites ADD COLUMN role TEXT NOT NULL DEFAULT 'viewer' CHECK (role IN ('admin', 'viewer'));
  UPDATE user_sites SET role = 'admin';
  CREATE INDEX user_sites_by_site ON user_sites (site_id);
  CREATE TABLE invitations (
    token_hash TEXT PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'viewer')),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX invitations_by_site ON invitations (site_id, expires_at);
  `,
  // 4: two-factor login and the audit log. The log has no foreign keys: it
  // outlives the users and sessions it names. No update may touch it.
  `
  ALTER TABLE users ADD COLUMN totp_secret TEXT;
  ALTER TABLE users ADD COLUMN totp_pending_secret TEXT;
  ALTER TABLE users ADD COLUMN totp_last_step INTEGER;
  CREATE TABLE recovery_codes (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at INTEGER,
    PRIMARY KEY (user_id, code_hash)
  );
  CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id INTEGER,
    user_id INTEGER,
    actor TEXT,
    action TEXT NOT NULL,
    detail TEXT NOT NULL,
    ip TEXT,
    at INTEGER NOT NULL
  );
  CREATE INDEX audit_by_site_time ON audit_log (site_id, at, id);
  CREATE INDEX audit_by_time ON audit_log (at);
  CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
  `,
  // 5: every visitor id a session's batches carried (sessions.visitor_id keeps
  // the first), so that deleting a visitor finds all of their sessions.
  `
  CREATE TABLE session_visitors (
    site_id INTEGER NOT NULL,
    session_id TEXT NOT NULL,
    visitor_id TEXT NOT NULL,
    PRIMARY KEY (site_id, session_id, visitor_id)
  );
  CREATE INDEX session_visitors_by_visitor ON session_visitors (site_id, visitor_id);
  INSERT INTO session_visitors (site_id, session_id, visitor_id) SELECT site_id, session_id, visitor_id FROM sessions WHERE visitor_id IS NOT NULL;
  `,
  // 6: recordings in an object store (--blob-store): the row keeps the object's
  // key and an empty blob. Rows written before keep their blob inline.
  `
  ALTER TABLE batches ADD COLUMN blob_key TEXT;
  `,
];

interface SiteRow {
  id: number;
  name: string;
  origins: string;
  privacy: string;
  created_at: number;
  recording: number;
  record_inputs: number;
  sample_rate: number;
  retention_days: number | null;
  role?: string;
}

const siteFromRow = (row: SiteRow): Site => ({
  id: row.id,
  name: row.name,
  origins: JSON.parse(row.origins) as string[],
  privacy: row.privacy as PrivacyMode,
  createdAt: row.created_at,
  recording: row.recording === 1,
  recordInputs: row.record_inputs === 1,
  sampleRate: row.sample_rate,
  retentionDays: row.retention_days,
});

const memberSiteFromRow = (row: SiteRow): MemberSite => ({ ...siteFromRow(row), role: row.role === 'admin' ? 'admin' : 'viewer' });

const invitationFromRow = (row: any): Invitation => ({
  tokenHash: row.token_hash,
  siteId: row.site_id,
  email: row.email,
  role: row.role,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
});

const SESSION_COLUMNS = `site_id, session_id, visitor_id, started_at, ended_at, first_received_at, last_received_at,
  batches, events, bytes, pages, max_seq, dropped_batches, dropped_events`;

export interface SqliteStorageOptions {
  /** Path of the database file (created with its folder), or `:memory:`. */
  filename: string;
  /**
   * How long an operation keeps trying while another process holds the
   * database's write lock (a backup, a `veil-collector` command), before it
   * fails and ingest answers 503 with Retry-After. Default 5 s.
   */
  lockWaitMs?: number;
  /** Where batch blobs go instead of the batches table (see blob-store.ts). */
  blobStore?: BlobStore;
}

export const DEFAULT_SQLITE_LOCK_WAIT_MS = 5_000;

const isBusy = (error: unknown) =>
  typeof (error as { code?: unknown })?.code === 'string' && (error as { code: string }).code.startsWith('SQLITE_BUSY');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * better-sqlite3 is synchronous: its busy timeout would wait for a lock held
 * by another process with the whole event loop stopped (every request, the
 * health checks too). So SQLite gives up at once (busy_timeout 0) and the
 * operation is tried again after an asynchronous pause, until `lockWaitMs`.
 * A failed attempt changed nothing: each write is one transaction, rolled
 * back when it throws.
 */
function retryWhileLocked(storage: Storage, lockWaitMs: number): Storage {
  const wrapped: Record<string, unknown> = { ...storage };
  for (const [name, method] of Object.entries(storage)) {
    if (typeof method !== 'function' || name === 'close') continue;
    wrapped[name] = async (...args: unknown[]) => {
      const deadline = Date.now() + lockWaitMs;
      for (let pause = 2; ; pause = Math.min(pause * 2, 100)) {
        try {
          return await method(...args);
        } catch (error) {
          if (!isBusy(error) || Date.now() + pause > deadline) throw error;
          await sleep(pause);
        }
      }
    };
  }
  return wrapped as unknown as Storage;
}

/**
 * Storage in one SQLite file (WAL mode): the default, for a single collector
 * instance. Writes are synchronous inside better-sqlite3 and take microseconds,
 * so the async wrapper costs nothing that matters.
 *
 * @example
 * const storage = createSqliteStorage({ filename: './veil.db' });
 * await storage.migrate();
 */
export function createSqliteStorage(options: SqliteStorageOptions): Storage {
  if (options.filename !== ':memory:') mkdirSync(path.dirname(path.resolve(options.filename)), { recursive: true });
  const db = new Database(options.filename);
  const { blobStore } = options;
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  // never wait inside SQLite (it would block the event loop): see retryWhileLocked
  db.pragma('busy_timeout = 0');
  const lockWaitMs = options.lockWaitMs ?? DEFAULT_SQLITE_LOCK_WAIT_MS;
  if (!(Number.isInteger(lockWaitMs) && lockWaitMs >= 0)) {
    db.close();
    throw new Error(`lockWaitMs must be a whole number of milliseconds (0 or more), got ${lockWaitMs}.`);
  }
  // Deleted must mean gone from the file: freed cells and pages are zeroed
  // (without it, ids and gzip streams of deleted sessions stay readable in the
  // raw bytes until a VACUUM). See also the checkpoint after each deletion.
  db.pragma('secure_delete = ON');

  let statements: ReturnType<typeof prepare> | undefined;
  function prepare() {
    return {
      siteByName: db.prepare('SELECT * FROM sites WHERE name = ?'),
      siteByKey: db.prepare('SELECT * FROM sites WHERE key_hash = ?'),
      hasBatch: db.prepare('SELECT 1 FROM batches WHERE site_id = ? AND session_id = ? AND seq = ?'),
      hasBatchWithKey: db.prepare('SELECT 1 FROM batches WHERE site_id = ? AND session_id = ? AND seq = ? AND blob_key = ?'),
      // one JSON array of [site_id, session_id, seq, blob_key] for a whole page: a single statement, each row found by primary key
      referencedBlobKeys: db.prepare(
        `SELECT b.blob_key FROM json_each(?) AS k
         JOIN batches AS b ON b.site_id = json_extract(k.value, '$[0]') AND b.session_id = json_extract(k.value, '$[1]')
           AND b.seq = json_extract(k.value, '$[2]') AND b.blob_key = json_extract(k.value, '$[3]')`,
      ),
      insertBatch: db.prepare(
        `INSERT INTO batches (site_id, session_id, seq, received_at, event_count, has_full_snapshot, dropped_batches, dropped_events, blob, blob_key)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      sessionMaxSeq: db.prepare('SELECT max_seq FROM sessions WHERE site_id = ? AND session_id = ?'),
      upsertSession: db.prepare(
        `INSERT INTO sessions (${SESSION_COLUMNS}, duration, clicks, inputs, activity, first_url, first_url_at, last_url, last_url_at)
         VALUES (@siteId, @sessionId, @visitorId, @first, @last, @receivedAt, @receivedAt, 1, @events, @bytes, @pages, @seq, @droppedBatches, @droppedEvents,
                 coalesce(@last - @first, 0), @clicks, @inputs, @clicks + @inputs, @firstUrl, @firstUrlAt, @lastUrl, @lastUrlAt)
         ON CONFLICT (site_id, session_id) DO UPDATE SET
           visitor_id = coalesce(sessions.visitor_id, excluded.visitor_id),
           started_at = min(coalesce(sessions.started_at, excluded.started_at), coalesce(excluded.started_at, sessions.started_at)),
           ended_at = max(coalesce(sessions.ended_at, excluded.ended_at), coalesce(excluded.ended_at, sessions.ended_at)),
           duration = coalesce(
             max(coalesce(sessions.ended_at, excluded.ended_at), coalesce(excluded.ended_at, sessions.ended_at))
             - min(coalesce(sessions.started_at, excluded.started_at), coalesce(excluded.started_at, sessions.started_at)), 0),
           last_received_at = max(sessions.last_received_at, excluded.last_received_at),
           batches = sessions.batches + 1,
           events = sessions.events + excluded.events,
           bytes = sessions.bytes + excluded.bytes,
           pages = sessions.pages + excluded.pages,
           max_seq = max(sessions.max_seq, excluded.max_seq),
           dropped_batches = sessions.dropped_batches + excluded.dropped_batches,
           dropped_events = sessions.dropped_events + excluded.dropped_events,
           clicks = sessions.clicks + excluded.clicks,
           inputs = sessions.inputs + excluded.inputs,
           activity = sessions.activity + excluded.activity,
           -- batches may arrive out of order: the earliest and latest URL win, by their time
           first_url = CASE WHEN excluded.first_url_at IS NOT NULL AND (sessions.first_url_at IS NULL OR excluded.first_url_at < sessions.first_url_at) THEN excluded.first_url ELSE sessions.first_url END,
           first_url_at = CASE WHEN excluded.first_url_at IS NOT NULL AND (sessions.first_url_at IS NULL OR excluded.first_url_at < sessions.first_url_at) THEN excluded.first_url_at ELSE sessions.first_url_at END,
           last_url = CASE WHEN excluded.last_url_at IS NOT NULL AND (sessions.last_url_at IS NULL OR excluded.last_url_at >= sessions.last_url_at) THEN excluded.last_url ELSE sessions.last_url END,
           last_url_at = CASE WHEN excluded.last_url_at IS NOT NULL AND (sessions.last_url_at IS NULL OR excluded.last_url_at >= sessions.last_url_at) THEN excluded.last_url_at ELSE sessions.last_url_at END`,
      ),
      insertUrl: db.prepare('INSERT INTO session_urls (site_id, session_id, url) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
      insertGap: db.prepare('INSERT INTO gaps (site_id, session_id, expected_seq, received_seq, received_at) VALUES (?, ?, ?, ?, ?)'),
      lastFull: db.prepare(
        `SELECT max(seq) AS seq FROM batches WHERE site_id = ? AND session_id = ? AND seq < ? AND has_full_snapshot = 1`,
      ),
      batchesBetween: db.prepare(
        `SELECT seq, has_full_snapshot, dropped_batches, blob, blob_key FROM batches WHERE site_id = ? AND session_id = ? AND seq >= ? AND seq < ? ORDER BY seq`,
      ),
      batchesAfter: db.prepare(
        `SELECT seq, has_full_snapshot, dropped_batches, blob, blob_key FROM batches WHERE site_id = ? AND session_id = ? AND seq > ? ORDER BY seq LIMIT ?`,
      ),
      getSession: db.prepare(`SELECT ${SESSION_LIST_COLUMNS} FROM sessions WHERE site_id = ? AND session_id = ?`),
    };
  }
  const st = () => (statements ??= prepare());
  // prepared on first use, not with the others: tests write through a schema from before it existed
  let insertVisitor: Database.Statement | undefined;

  const write = db.transaction((b: BatchWrite, blobKey: string | null): WriteResult => {
    const s = st();
    const urls = b.urls ?? [];
    // No ON CONFLICT: duplicates were answered before scrubbing (recordings.ts); the
    // primary key only stops an instance that raced another one to the same batch.
    s.insertBatch.run(
      b.siteId,
      b.sessionId,
      b.seq,
      b.receivedAt,
      b.eventCount,
      b.hasFullSnapshot ? 1 : 0,
      b.droppedBatches,
      b.droppedEvents,
      blobKey === null ? b.blob : EXTERNAL_BLOB,
      blobKey,
    );
    const previous = s.sessionMaxSeq.get(b.siteId, b.sessionId) as { max_seq: number } | undefined;
    const gap = gapBefore(previous ? previous.max_seq : null, b.seq, b.receivedAt);
    if (gap) s.insertGap.run(b.siteId, b.sessionId, gap.expectedSeq, gap.receivedSeq, gap.receivedAt);
    s.upsertSession.run({
      siteId: b.siteId,
      sessionId: b.sessionId,
      visitorId: b.visitorId,
      first: b.firstTimestamp,
      last: b.lastTimestamp,
      receivedAt: b.receivedAt,
      events: b.eventCount,
      bytes: b.blob.length,
      pages: b.pages,
      seq: b.seq,
      droppedBatches: b.droppedBatches,
      droppedEvents: b.droppedEvents,
      clicks: b.clicks ?? 0,
      inputs: b.inputs ?? 0,
      firstUrl: urls[0]?.url ?? null,
      firstUrlAt: urls[0]?.at ?? null,
      lastUrl: urls[urls.length - 1]?.url ?? null,
      lastUrlAt: urls[urls.length - 1]?.at ?? null,
    });
    for (const url of new Set(urls.map((u) => u.url))) s.insertUrl.run(b.siteId, b.sessionId, url);
    if (b.visitorId !== null) {
      (insertVisitor ??= db.prepare(
        'INSERT INTO session_visitors (site_id, session_id, visitor_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
      )).run(b.siteId, b.sessionId, b.visitorId);
    }
    return { gap };
  });

  // The selection runs inside the transaction: a batch arriving meanwhile cannot leave an orphan.
  const deleteSessions = db.transaction((where: string, params: unknown[]) => {
    const siteIdSessionIds = db.prepare(`SELECT site_id, session_id FROM sessions WHERE ${where}`).all(...params) as {
      site_id: number;
      session_id: string;
    }[];
    const delBatches = db.prepare('DELETE FROM batches WHERE site_id = ? AND session_id = ? RETURNING blob_key');
    const blobKeys: string[] = [];
    const delGaps = db.prepare('DELETE FROM gaps WHERE site_id = ? AND session_id = ?');
    const delUrls = db.prepare('DELETE FROM session_urls WHERE site_id = ? AND session_id = ?');
    const delVisitors = db.prepare('DELETE FROM session_visitors WHERE site_id = ? AND session_id = ?');
    const delSession = db.prepare('DELETE FROM sessions WHERE site_id = ? AND session_id = ?');
    for (const { site_id, session_id } of siteIdSessionIds) {
      for (const { blob_key } of delBatches.all(site_id, session_id) as { blob_key: string | null }[]) {
        if (blob_key !== null) blobKeys.push(blob_key);
      }
      delGaps.run(site_id, session_id);
      delUrls.run(site_id, session_id);
      delVisitors.run(site_id, session_id);
      delSession.run(site_id, session_id);
    }
    return { removed: siteIdSessionIds.length, blobKeys };
  });

  /**
   * The WAL still holds the pages as they were before the deletion (the
   * inserted rows, blobs and all) until a checkpoint copies the zeroed pages
   * back and TRUNCATE empties it. Deletions are rare (a data-subject request,
   * the hourly purge), so each one pays for it.
   */
  const deleteAndForget = (where: string, params: unknown[]): Promise<number> =>
    deleteSessionsWithBlobs(
      blobStore,
      async () =>
        (
          db
            .prepare(
              `SELECT blob_key FROM batches WHERE blob_key IS NOT NULL AND (site_id, session_id) IN (SELECT site_id, session_id FROM sessions WHERE ${where})`,
            )
            .all(...params) as { blob_key: string }[]
        ).map((row) => row.blob_key),
      async () => {
        const result = deleteSessions.immediate(where, params);
        if (result.removed > 0) db.pragma('wal_checkpoint(TRUNCATE)');
        return result;
      },
    );

  const toBatch = (row: {
    seq: number;
    has_full_snapshot: number;
    dropped_batches: number;
    blob: Buffer;
    blob_key: string | null;
  }): StoredBatchRow => ({
    seq: row.seq,
    hasFullSnapshot: row.has_full_snapshot === 1,
    blob: row.blob,
    droppedBatches: row.dropped_batches,
    blobKey: row.blob_key,
  });

  let closed = false;
  const open = () => {
    if (closed) throw new Error('The SQLite storage is closed.');
  };

  const sqliteStorage: Storage = {
    kind: 'sqlite',
    async migrate() {
      db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
      const run = db.transaction(() => {
        const row = db.prepare('SELECT version FROM schema_version').get() as { version: number } | undefined;
        let version = row?.version ?? 0;
        if (!row) db.prepare('INSERT INTO schema_version (version) VALUES (0)').run();
        for (; version < SQLITE_MIGRATIONS.length; version++) db.exec(SQLITE_MIGRATIONS[version]);
        db.prepare('UPDATE schema_version SET version = ?').run(version);
        db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT DO NOTHING').run('server_secret', randomBytes(32));
      });
      run.immediate();
      statements = undefined;
      await blobStore?.check();
    },
    async close() {
      if (closed) return;
      closed = true;
      blobStore?.close();
      db.close();
    },
    async getServerSecret() {
      open();
      const row = db.prepare('SELECT value FROM meta WHERE key = ?').get('server_secret') as { value: Buffer };
      return row.value;
    },
    async createSite({ name, origins, privacy, keyHash }) {
      open();
      const now = Date.now();
      const info = db
        .prepare('INSERT INTO sites (name, key_hash, origins, privacy, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(name, keyHash, JSON.stringify(origins), privacy, now);
      return siteFromRow(db.prepare('SELECT * FROM sites WHERE id = ?').get(Number(info.lastInsertRowid)) as SiteRow);
    },
    async setSiteSettings(siteId, settings) {
      open();
      db.prepare('UPDATE sites SET privacy = ?, recording = ?, record_inputs = ?, sample_rate = ?, retention_days = ? WHERE id = ?').run(
        settings.privacy,
        settings.recording ? 1 : 0,
        settings.recordInputs ? 1 : 0,
        settings.sampleRate,
        settings.retentionDays,
        siteId,
      );
    },
    async listSites() {
      open();
      return (db.prepare('SELECT * FROM sites ORDER BY name').all() as SiteRow[]).map(siteFromRow);
    },
    async getSiteByName(name) {
      open();
      const row = st().siteByName.get(name) as SiteRow | undefined;
      return row ? siteFromRow(row) : null;
    },
    async getSiteByKeyHash(keyHash) {
      open();
      const row = st().siteByKey.get(keyHash) as SiteRow | undefined;
      return row ? siteFromRow(row) : null;
    },
    async setSiteOrigins(siteId, origins) {
      open();
      db.prepare('UPDATE sites SET origins = ? WHERE id = ?').run(JSON.stringify(origins), siteId);
    },
    async setSiteKeyHash(siteId, keyHash) {
      open();
      db.prepare('UPDATE sites SET key_hash = ? WHERE id = ?').run(keyHash, siteId);
    },
    async isKnownOrigin(origin) {
      open();
      const rows = db.prepare('SELECT origins FROM sites').all() as { origins: string }[];
      return rows.some((row) => (JSON.parse(row.origins) as string[]).includes(origin));
    },
    async createUser({ email, passwordHash }) {
      open();
      const now = Date.now();
      const info = db.prepare('INSERT INTO users (email, password_hash, created_at) VALUES (?, ?, ?)').run(email, passwordHash, now);
      return { id: Number(info.lastInsertRowid), email, passwordHash, createdAt: now };
    },
    async getUserByEmail(email) {
      open();
      const row = db.prepare('SELECT * FROM users WHERE email = ?').get(email) as Record<string, unknown> | undefined;
      return row ? userFromRow(row) : null;
    },
    async setUserPassword(userId, passwordHash) {
      open();
      db.transaction(() => {
        db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').run(passwordHash, userId);
        db.prepare('DELETE FROM login_sessions WHERE user_id = ?').run(userId);
      }).immediate();
    },
    async addUserToSite(userId, siteId, role) {
      open();
      db.prepare(
        'INSERT INTO user_sites (user_id, site_id, role) VALUES (?, ?, ?) ON CONFLICT (user_id, site_id) DO UPDATE SET role = excluded.role',
      ).run(userId, siteId, role);
    },
    async removeUserFromSite(userId, siteId) {
      open();
      return db.prepare('DELETE FROM user_sites WHERE user_id = ? AND site_id = ?').run(userId, siteId).changes > 0;
    },
    async sitesOfUser(userId) {
      open();
      const rows = db
        .prepare(
          'SELECT sites.*, user_sites.role FROM sites JOIN user_sites ON user_sites.site_id = sites.id WHERE user_sites.user_id = ? ORDER BY sites.name',
        )
        .all(userId) as SiteRow[];
      return rows.map(memberSiteFromRow);
    },
    async usersOfSite(siteId) {
      open();
      const rows = db
        .prepare(
          'SELECT users.*, user_sites.role FROM users JOIN user_sites ON user_sites.user_id = users.id WHERE user_sites.site_id = ? ORDER BY users.email',
        )
        .all(siteId) as Record<string, unknown>[];
      return rows.map((row) => ({ user: userFromRow(row), role: row.role === 'admin' ? 'admin' : 'viewer' }));
    },
    async getUserById(userId) {
      open();
      const row = db.prepare('SELECT * FROM users WHERE id = ?').get(userId) as Record<string, unknown> | undefined;
      return row ? userFromRow(row) : null;
    },
    async createInvitation(inv) {
      open();
      db.prepare('INSERT INTO invitations (token_hash, site_id, email, role, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)').run(
        inv.tokenHash,
        inv.siteId,
        inv.email,
        inv.role,
        inv.createdAt,
        inv.expiresAt,
      );
    },
    async getInvitation(tokenHash, now) {
      open();
      const row = db.prepare('SELECT * FROM invitations WHERE token_hash = ? AND expires_at > ?').get(tokenHash, now);
      return row ? invitationFromRow(row) : null;
    },
    async deleteInvitation(tokenHash) {
      open();
      return db.prepare('DELETE FROM invitations WHERE token_hash = ?').run(tokenHash).changes > 0;
    },
    async invitationsOfSite(siteId, now) {
      open();
      return db
        .prepare('SELECT * FROM invitations WHERE site_id = ? AND expires_at > ? ORDER BY created_at DESC')
        .all(siteId, now)
        .map(invitationFromRow);
    },
    async listUsers() {
      open();
      return (db.prepare('SELECT * FROM users ORDER BY email').all() as any[]).map(userFromRow);
    },
    async deleteUser(userId) {
      open();
      return db.prepare('DELETE FROM users WHERE id = ?').run(userId).changes > 0;
    },
    async getTwoFactor(userId) {
      open();
      const row = db
        .prepare(
          `SELECT totp_secret, totp_pending_secret, totp_last_step,
           (SELECT count(*) FROM recovery_codes WHERE user_id = users.id AND used_at IS NULL) AS codes_left
         FROM users WHERE id = ?`,
        )
        .get(userId) as
        { totp_secret: string | null; totp_pending_secret: string | null; totp_last_step: number | null; codes_left: number } | undefined;
      return {
        secret: row?.totp_secret ?? null,
        pendingSecret: row?.totp_pending_secret ?? null,
        lastStep: row?.totp_last_step ?? null,
        recoveryCodesLeft: row?.codes_left ?? 0,
      };
    },
    async setPendingTotpSecret(userId, secret) {
      open();
      db.prepare('UPDATE users SET totp_pending_secret = ? WHERE id = ?').run(secret, userId);
    },
    async enableTwoFactor(userId, { secret, step, recoveryCodeHashes }) {
      open();
      return db
        .transaction(() => {
          const changed = db
            .prepare(
              'UPDATE users SET totp_secret = ?, totp_pending_secret = NULL, totp_last_step = ? WHERE id = ? AND totp_pending_secret = ?',
            )
            .run(secret, step, userId, secret).changes;
          if (!changed) return false;
          db.prepare('DELETE FROM recovery_codes WHERE user_id = ?').run(userId);
          const insert = db.prepare('INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)');
          for (const hash of recoveryCodeHashes) insert.run(userId, hash);
          return true;
        })
        .immediate();
    },
    async disableTwoFactor(userId) {
      open();
      db.transaction(() => {
        db.prepare('UPDATE users SET totp_secret = NULL, totp_pending_secret = NULL, totp_last_step = NULL WHERE id = ?').run(userId);
        db.prepare('DELETE FROM recovery_codes WHERE user_id = ?').run(userId);
      }).immediate();
    },
    async useTotpStep(userId, step) {
      open();
      return (
        db
          .prepare(
            'UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_secret IS NOT NULL AND (totp_last_step IS NULL OR totp_last_step < ?)',
          )
          .run(step, userId, step).changes > 0
      );
    },
    async useRecoveryCode(userId, codeHash, now) {
      open();
      return (
        db
          .prepare('UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL')
          .run(now, userId, codeHash).changes > 0
      );
    },
    async appendAudit(e) {
      open();
      db.prepare(
        `INSERT INTO audit_log (site_id, user_id, actor, action, detail, ip, at)
       VALUES (?, ?, (SELECT email FROM users WHERE id = ?), ?, ?, ?, ?)`,
      ).run(e.siteId, e.userId, e.userId, e.action, e.detail, e.ip, e.at);
    },
    async listAudit(siteId, { limit, before }) {
      open();
      const rows = before
        ? db
            .prepare('SELECT * FROM audit_log WHERE site_id = ? AND (at < ? OR (at = ? AND id < ?)) ORDER BY at DESC, id DESC LIMIT ?')
            .all(siteId, before.at, before.at, before.id, limit)
        : db.prepare('SELECT * FROM audit_log WHERE site_id = ? ORDER BY at DESC, id DESC LIMIT ?').all(siteId, limit);
      return (rows as Record<string, unknown>[]).map(auditFromRow);
    },
    async purgeAuditBefore(before, siteId) {
      open();
      if (siteId !== undefined) return db.prepare('DELETE FROM audit_log WHERE site_id = ? AND at < ?').run(siteId, before).changes;
      return db.prepare('DELETE FROM audit_log WHERE at < ?').run(before).changes;
    },
    async createLoginSession(idHash, session: LoginSession) {
      open();
      db.prepare('INSERT INTO login_sessions (id_hash, user_id, expires_at) VALUES (?, ?, ?)').run(
        idHash,
        session.userId,
        session.expiresAt,
      );
    },
    async getLoginSession(idHash, now) {
      open();
      const row = db.prepare('SELECT user_id, expires_at FROM login_sessions WHERE id_hash = ?').get(idHash) as
        { user_id: number; expires_at: number } | undefined;
      if (!row || row.expires_at <= now) return null;
      return { userId: row.user_id, expiresAt: row.expires_at };
    },
    async deleteLoginSession(idHash) {
      open();
      db.prepare('DELETE FROM login_sessions WHERE id_hash = ?').run(idHash);
    },
    async hasBatch(siteId, sessionId, seq) {
      open();
      return st().hasBatch.get(siteId, sessionId, seq) !== undefined;
    },
    async writeBatch(batch) {
      open();
      return writeBatchWithBlob(
        batch,
        blobStore,
        async (b, blobKey) => write.immediate(b, blobKey),
        async (b, blobKey) => st().hasBatchWithKey.get(b.siteId, b.sessionId, b.seq, blobKey) !== undefined,
      );
    },
    async referencedBlobKeys(objects) {
      open();
      if (objects.length === 0) return new Set();
      const lookup = objects.map((o) => [o.siteId, o.sessionId, o.seq, o.key]);
      const rows = st().referencedBlobKeys.all(JSON.stringify(lookup)) as { blob_key: string }[];
      return new Set(rows.map((row) => row.blob_key));
    },
    async batchesForRebuild(siteId, sessionId, beforeSeq) {
      open();
      const s = st();
      const full = s.lastFull.get(siteId, sessionId, beforeSeq) as { seq: number | null };
      const from = full.seq ?? 0;
      return loadBlobs((s.batchesBetween.all(siteId, sessionId, from, beforeSeq) as any[]).map(toBatch), blobStore);
    },
    async getBatches(siteId, sessionId) {
      open();
      return loadBlobs((st().batchesBetween.all(siteId, sessionId, 0, Number.MAX_SAFE_INTEGER) as any[]).map(toBatch), blobStore);
    },
    async batchesAfter(siteId, sessionId, afterSeq, limit) {
      open();
      return loadBlobs((st().batchesAfter.all(siteId, sessionId, afterSeq, limit) as any[]).map(toBatch), blobStore);
    },
    async getSession(siteId, sessionId) {
      open();
      const row = st().getSession.get(siteId, sessionId) as Record<string, unknown> | undefined;
      return row ? sessionFromRow(row) : null;
    },
    async listSessions(siteId, { limit = 100, offset = 0 } = {}) {
      open();
      const rows = db
        .prepare(`SELECT ${SESSION_LIST_COLUMNS} FROM sessions WHERE site_id = ? ORDER BY last_received_at DESC LIMIT ? OFFSET ?`)
        .all(siteId, limit, offset) as Record<string, unknown>[];
      return rows.map(sessionFromRow);
    },
    async findSessions(siteId, query) {
      open();
      const { sql, params, reversed } = sessionListSql(siteId, query, sqliteDialect);
      const rows = (db.prepare(sql).all(...params) as Record<string, unknown>[]).map(sessionFromRow);
      return reversed ? rows.reverse() : rows;
    },
    async visitorSessions(siteId, visitorId) {
      open();
      const rows = db
        .prepare(
          `SELECT ${SESSION_LIST_COLUMNS} FROM sessions WHERE site_id = ? AND visitor_id = ? ORDER BY started_at, first_received_at, session_id`,
        )
        .all(siteId, visitorId) as Record<string, unknown>[];
      return rows.map(sessionFromRow);
    },
    async getGaps(siteId, sessionId) {
      open();
      const rows = db
        .prepare('SELECT expected_seq, received_seq, received_at FROM gaps WHERE site_id = ? AND session_id = ? ORDER BY received_seq')
        .all(siteId, sessionId) as { expected_seq: number; received_seq: number; received_at: number }[];
      return rows.map((r) => ({ expectedSeq: r.expected_seq, receivedSeq: r.received_seq, receivedAt: r.received_at }));
    },
    async deleteSession(siteId, sessionId) {
      open();
      return deleteAndForget('site_id = ? AND session_id = ?', [siteId, sessionId]);
    },
    async deleteVisitor(siteId, visitorId) {
      open();
      return deleteAndForget(
        'site_id = ? AND (visitor_id = ? OR session_id IN (SELECT session_id FROM session_visitors WHERE site_id = ? AND visitor_id = ?))',
        [siteId, visitorId, siteId, visitorId],
      );
    },
    async purgeSessionsBefore(before) {
      open();
      return deleteAndForget('last_received_at < ?', [before]);
    },
    async purgeSiteSessionsBefore(siteId, before) {
      open();
      return deleteAndForget('site_id = ? AND last_received_at < ?', [siteId, before]);
    },
    async purgeLoginSessions(now) {
      open();
      db.prepare('DELETE FROM invitations WHERE expires_at <= ?').run(now);
      return db.prepare('DELETE FROM login_sessions WHERE expires_at <= ?').run(now).changes;
    },
  };
  return retryWhileLocked(sqliteStorage, lockWaitMs);
}
