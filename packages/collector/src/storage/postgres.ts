import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Pool, PoolClient } from 'pg';
import type { PrivacyMode } from '@veil/core/engine';
import { EXTERNAL_BLOB, deleteSessionsWithBlobs, loadBlobs, writeBatchWithBlob, type BlobStore, type StoredBatchRow } from './blob-store';
import { gapBefore } from './gaps';
import { auditFromRow, sessionFromRow, userFromRow } from './rows';
import { SESSION_LIST_COLUMNS, postgresDialect, sessionListSql } from './session-query';
import type { BatchWrite, Invitation, MemberSite, SharedLoginLimits, Site, Storage, WriteResult } from './types';

// Exported for the upgrade tests, which build a database as an older collector left it.
export const POSTGRES_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value BYTEA NOT NULL);
  CREATE TABLE sites (
    id SERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    key_hash TEXT NOT NULL UNIQUE,
    origins JSONB NOT NULL,
    privacy TEXT NOT NULL,
    created_at BIGINT NOT NULL
  );
  CREATE TABLE users (
    id SERIAL PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL
  );
  CREATE TABLE user_sites (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    site_id INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, site_id)
  );
  CREATE TABLE login_sessions (
    id_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires_at BIGINT NOT NULL
  );
  CREATE TABLE sessions (
    site_id INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    session_id TEXT NOT NULL,
    visitor_id TEXT,
    started_at BIGINT,
    ended_at BIGINT,
    first_received_at BIGINT NOT NULL,
    last_received_at BIGINT NOT NULL,
    batches INTEGER NOT NULL,
    events BIGINT NOT NULL,
    bytes BIGINT NOT NULL,
    pages INTEGER NOT NULL,
    max_seq INTEGER NOT NULL,
    dropped_batches BIGINT NOT NULL,
    dropped_events BIGINT NOT NULL,
    PRIMARY KEY (site_id, session_id)
  );
  CREATE INDEX sessions_by_site_time ON sessions (site_id, last_received_at);
  CREATE INDEX sessions_by_visitor ON sessions (site_id, visitor_id);
  CREATE INDEX sessions_by_time ON sessions (last_received_at);
  CREATE TABLE batches (
    site_id INTEGER NOT NULL,
    session_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    received_at BIGINT NOT NULL,
    event_count INTEGER NOT NULL,
    has_full_snapshot BOOLEAN NOT NULL,
    dropped_batches BIGINT NOT NULL,
    dropped_events BIGINT NOT NULL,
    blob BYTEA NOT NULL,
    PRIMARY KEY (site_id, session_id, seq)
  );
  CREATE TABLE gaps (
    site_id INTEGER NOT NULL,
    session_id TEXT NOT NULL,
    expected_seq INTEGER NOT NULL,
    received_seq INTEGER NOT NULL,
    received_at BIGINT NOT NULL
  );
  CREATE INDEX gaps_by_session ON gaps (site_id, session_id);
  `,
  // 2: what the session list sorts and filters by. Sessions stored before
  // this have no clicks, inputs or URLs counted (their blobs are not re-read).
  `
  ALTER TABLE sessions ADD COLUMN duration BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE sessions ADD COLUMN clicks BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE sessions ADD COLUMN inputs BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE sessions ADD COLUMN activity BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE sessions ADD COLUMN first_url TEXT;
  ALTER TABLE sessions ADD COLUMN first_url_at BIGINT;
  ALTER TABLE sessions ADD COLUMN last_url TEXT;
  ALTER TABLE sessions ADD COLUMN last_url_at BIGINT;
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
  ALTER TABLE sites ADD COLUMN recording BOOLEAN NOT NULL DEFAULT true;
  ALTER TABLE sites ADD COLUMN record_inputs BOOLEAN NOT NULL DEFAULT true;
  ALTER TABLE sites ADD COLUMN sample_rate DOUBLE PRECISION NOT NULL DEFAULT 1;
  ALTER TABLE sites ADD COLUMN retention_days INTEGER;
  ALTER TABLE user_sites ADD COLUMN role TEXT NOT NULL DEFAULT 'viewer' CHECK (role IN ('admin', 'viewer'));
  UPDATE user_sites SET role = 'admin';
  CREATE INDEX user_sites_by_site ON user_sites (site_id);
  CREATE TABLE invitations (
    token_hash TEXT PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'viewer')),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
  );
  CREATE INDEX invitations_by_site ON invitations (site_id, expires_at);
  `,
  // 4: two-factor login and the audit log. The log has no foreign keys: it
  // outlives the users and sessions it names. No update may touch it.
  `
  ALTER TABLE users ADD COLUMN totp_secret TEXT;
  ALTER TABLE users ADD COLUMN totp_pending_secret TEXT;
  ALTER TABLE users ADD COLUMN totp_last_step BIGINT;
  CREATE TABLE recovery_codes (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at BIGINT,
    PRIMARY KEY (user_id, code_hash)
  );
  CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    site_id INTEGER,
    user_id INTEGER,
    actor TEXT,
    action TEXT NOT NULL,
    detail TEXT NOT NULL,
    ip TEXT,
    at BIGINT NOT NULL
  );
  CREATE INDEX audit_by_site_time ON audit_log (site_id, at, id);
  CREATE INDEX audit_by_time ON audit_log (at);
  CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;
  CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
  `,
  // 5: the login limits, shared by every instance on this database (issue 18).
  // kind 'ip': failures and the wait they earned; kind 'account': a token bucket.
  `
  CREATE TABLE login_limits (
    kind TEXT NOT NULL CHECK (kind IN ('ip', 'account')),
    key TEXT NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0,
    blocked_until BIGINT NOT NULL DEFAULT 0,
    tokens DOUBLE PRECISION NOT NULL DEFAULT 0,
    at BIGINT NOT NULL,
    PRIMARY KEY (kind, key)
  );
  CREATE INDEX login_limits_by_time ON login_limits (at);
  `,
  // 6: every visitor id a session's batches carried (sessions.visitor_id keeps
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
  // 7: recordings in an object store (--blob-store): the row keeps the object's
  // key and an empty blob. Rows written before keep their blob inline.
  `
  ALTER TABLE batches ADD COLUMN blob_key TEXT;
  `,
];

// Any constant shared by every instance: serialises migrations across them.
const MIGRATION_LOCK = 0x7e11c011;

const SESSION_COLUMNS = `site_id, session_id, visitor_id, started_at, ended_at, first_received_at, last_received_at,
  batches, events, bytes, pages, max_seq, dropped_batches, dropped_events`;

const siteFromRow = (row: any): Site => ({
  id: Number(row.id),
  name: row.name,
  origins: row.origins as string[],
  privacy: row.privacy as PrivacyMode,
  createdAt: Number(row.created_at),
  recording: row.recording,
  recordInputs: row.record_inputs,
  sampleRate: Number(row.sample_rate),
  retentionDays: row.retention_days === null ? null : Number(row.retention_days),
});

const memberSiteFromRow = (row: any): MemberSite => ({ ...siteFromRow(row), role: row.role === 'admin' ? 'admin' : 'viewer' });

const invitationFromRow = (row: any): Invitation => ({
  tokenHash: row.token_hash,
  siteId: Number(row.site_id),
  email: row.email,
  role: row.role,
  createdAt: Number(row.created_at),
  expiresAt: Number(row.expires_at),
});

export interface PostgresStorageOptions {
  /** `postgres://user:password@host:port/database` */
  connectionString: string;
  /** Connections per instance. Default 10. */
  poolSize?: number;
  /**
   * How long opening a connection, or waiting for a free one in the pool, may
   * take before the request fails (and is answered 503). Default 5 s.
   */
  connectTimeoutMs?: number;
  /**
   * How long one query may take: the server cancels it after this
   * (statement_timeout), and the driver gives up on an answer that does not
   * come a little later (a frozen server or a silent network). Default 15 s.
   */
  queryTimeoutMs?: number;
  /** Where batch blobs go instead of the batches table (see blob-store.ts). */
  blobStore?: BlobStore;
}

export const DEFAULT_POSTGRES_CONNECT_TIMEOUT_MS = 5_000;
export const DEFAULT_POSTGRES_QUERY_TIMEOUT_MS = 15_000;
/** The driver's own wait beyond statement_timeout: a live server's cancellation arrives first. */
const QUERY_READ_GRACE_MS = 2_000;

const isReadTimeout = (error: unknown) => error instanceof Error && error.message === 'Query read timeout';

/** Migrations may rebuild indexes of large tables: no time limit for them. */
const MIGRATION_QUERY_TIMEOUT_MS = 2 ** 31 - 1;

type PoolConfig = {
  connectionString: string;
  max: number;
  connectionTimeoutMillis?: number;
  idleTimeoutMillis?: number;
  query_timeout?: number;
  statement_timeout?: number;
  idle_in_transaction_session_timeout?: number;
  keepAlive?: boolean;
};

/**
 * The PostgreSQL driver, `pg`: an optional peer dependency, loaded only when a
 * PostgreSQL database is asked for, so that SQLite users do not install it.
 */
export function postgresDriver(load: (name: string) => unknown = createRequire(import.meta.url)): {
  Pool: new (config: PoolConfig) => Pool;
} {
  try {
    return load('pg') as { Pool: new (config: PoolConfig) => Pool };
  } catch (error) {
    if ((error as { code?: string }).code !== 'MODULE_NOT_FOUND') throw error;
    throw new Error(
      '[veil] A postgres:// database needs the PostgreSQL driver: install it next to the collector with `npm install pg` (SQLite needs nothing more).',
      {
        cause: error,
      },
    );
  }
}

/**
 * Storage in PostgreSQL, for several collector instances behind a load
 * balancer: every instance sees the same sites, users, login sessions and
 * recordings, and batch writes are serialised per session by a row lock.
 *
 * @example
 * const storage = createPostgresStorage({ connectionString: process.env.VEIL_DATABASE_URL! });
 * await storage.migrate();
 */
export function createPostgresStorage(options: PostgresStorageOptions): Storage {
  const connectTimeout = options.connectTimeoutMs ?? DEFAULT_POSTGRES_CONNECT_TIMEOUT_MS;
  const queryTimeout = options.queryTimeoutMs ?? DEFAULT_POSTGRES_QUERY_TIMEOUT_MS;
  for (const [name, value] of [
    ['connectTimeoutMs', connectTimeout],
    ['queryTimeoutMs', queryTimeout],
  ] as const) {
    if (!(Number.isInteger(value) && value > 0)) throw new Error(`${name} must be a positive whole number of milliseconds, got ${value}.`);
  }
  // Without these, a database that stops answering (frozen, or a network that
  // drops packets) leaves every request waiting for ever instead of a 503.
  const pool = new (postgresDriver().Pool)({
    connectionString: options.connectionString,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: connectTimeout,
    idleTimeoutMillis: 30_000,
    statement_timeout: queryTimeout,
    query_timeout: queryTimeout + QUERY_READ_GRACE_MS,
    idle_in_transaction_session_timeout: queryTimeout * 2,
    keepAlive: true,
  });
  // An idle client losing its connection (database restart) must not crash the process;
  // the next query gets a fresh connection or an error the caller answers with 503.
  pool.on('error', () => undefined);

  async function transaction<T>(fn: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    let result: T;
    try {
      await client.query('BEGIN');
      result = await fn(client);
      await client.query('COMMIT');
    } catch (error) {
      // After a read timeout the connection is still busy with the query that
      // did not answer: a ROLLBACK would wait as long again. Closing the
      // connection (below) rolls back on the server all the same.
      if (!isReadTimeout(error)) await client.query('ROLLBACK').catch(() => undefined);
      // a connection whose query timed out may still be waiting for its answer: never reuse it
      client.release(error as Error);
      throw error;
    }
    client.release();
    return result;
  }

  let closed = false;
  const one = async (sql: string, params: unknown[] = []) => (await pool.query(sql, params)).rows[0];
  const { blobStore } = options;
  const toBatch = (row: any): StoredBatchRow => ({
    seq: Number(row.seq),
    hasFullSnapshot: row.has_full_snapshot,
    blob: row.blob,
    droppedBatches: Number(row.dropped_batches),
    blobKey: row.blob_key,
  });
  const BATCH_COLUMNS = 'seq, has_full_snapshot, dropped_batches, blob, blob_key';

  function deleteWhere(where: string, params: unknown[]): Promise<number> {
    return deleteSessionsWithBlobs(
      blobStore,
      async () => {
        const { rows } = await pool.query(
          `SELECT blob_key FROM batches WHERE blob_key IS NOT NULL AND (site_id, session_id) IN (SELECT site_id, session_id FROM sessions WHERE ${where})`,
          params,
        );
        return rows.map((row) => row.blob_key as string);
      },
      () =>
        transaction(async (client) => {
          const { rows } = await client.query(`DELETE FROM sessions WHERE ${where} RETURNING site_id, session_id`, params);
          const blobKeys: string[] = [];
          for (const row of rows) {
            const batches = await client.query('DELETE FROM batches WHERE site_id = $1 AND session_id = $2 RETURNING blob_key', [
              row.site_id,
              row.session_id,
            ]);
            for (const batch of batches.rows) if (batch.blob_key !== null) blobKeys.push(batch.blob_key);
            await client.query('DELETE FROM gaps WHERE site_id = $1 AND session_id = $2', [row.site_id, row.session_id]);
            await client.query('DELETE FROM session_urls WHERE site_id = $1 AND session_id = $2', [row.site_id, row.session_id]);
            await client.query('DELETE FROM session_visitors WHERE site_id = $1 AND session_id = $2', [row.site_id, row.session_id]);
          }
          return { removed: rows.length, blobKeys };
        }),
    );
  }

  function writeRows(b: BatchWrite, blobKey: string | null): Promise<WriteResult> {
    return transaction(async (client) => {
      // No ON CONFLICT: duplicates were answered before scrubbing (recordings.ts); the
      // primary key only stops an instance that raced another one to the same batch.
      await client.query(
        `INSERT INTO batches (site_id, session_id, seq, received_at, event_count, has_full_snapshot, dropped_batches, dropped_events, blob, blob_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          b.siteId,
          b.sessionId,
          b.seq,
          b.receivedAt,
          b.eventCount,
          b.hasFullSnapshot,
          b.droppedBatches,
          b.droppedEvents,
          blobKey === null ? b.blob : EXTERNAL_BLOB,
          blobKey,
        ],
      );
      // A placeholder row first, then a row lock: two instances writing batches
      // of one session take turns, so the gap bookkeeping sees a settled max_seq.
      await client.query(
        `INSERT INTO sessions (${SESSION_COLUMNS})
         VALUES ($1, $2, NULL, NULL, NULL, $3, $3, 0, 0, 0, 0, -1, 0, 0) ON CONFLICT DO NOTHING`,
        [b.siteId, b.sessionId, b.receivedAt],
      );
      const { rows } = await client.query('SELECT max_seq FROM sessions WHERE site_id = $1 AND session_id = $2 FOR UPDATE', [
        b.siteId,
        b.sessionId,
      ]);
      // max_seq is -1 in a placeholder row just made: nothing stored yet.
      const gap = gapBefore(Number(rows[0].max_seq), b.seq, b.receivedAt);
      if (gap) {
        await client.query('INSERT INTO gaps (site_id, session_id, expected_seq, received_seq, received_at) VALUES ($1, $2, $3, $4, $5)', [
          b.siteId,
          b.sessionId,
          gap.expectedSeq,
          gap.receivedSeq,
          gap.receivedAt,
        ]);
      }
      const urls = b.urls ?? [];
      const first = urls[0] ?? null;
      const last = urls[urls.length - 1] ?? null;
      const clicks = b.clicks ?? 0;
      const inputs = b.inputs ?? 0;
      // every SET expression reads the row as it was before this UPDATE
      await client.query(
        `UPDATE sessions SET
           visitor_id = coalesce(visitor_id, $3),
           started_at = least(started_at, $4),
           ended_at = greatest(ended_at, $5),
           duration = coalesce(greatest(ended_at, $5) - least(started_at, $4), 0),
           last_received_at = greatest(last_received_at, $6),
           batches = batches + 1,
           events = events + $7,
           bytes = bytes + $8,
           pages = pages + $9,
           max_seq = greatest(max_seq, $10),
           dropped_batches = dropped_batches + $11,
           dropped_events = dropped_events + $12,
           clicks = clicks + $13,
           inputs = inputs + $14,
           activity = activity + $13 + $14,
           -- batches may arrive out of order: the earliest and latest URL win, by their time
           first_url = CASE WHEN $16::bigint IS NOT NULL AND (first_url_at IS NULL OR $16::bigint < first_url_at) THEN $15 ELSE first_url END,
           first_url_at = CASE WHEN $16::bigint IS NOT NULL AND (first_url_at IS NULL OR $16::bigint < first_url_at) THEN $16::bigint ELSE first_url_at END,
           last_url = CASE WHEN $18::bigint IS NOT NULL AND (last_url_at IS NULL OR $18::bigint >= last_url_at) THEN $17 ELSE last_url END,
           last_url_at = CASE WHEN $18::bigint IS NOT NULL AND (last_url_at IS NULL OR $18::bigint >= last_url_at) THEN $18::bigint ELSE last_url_at END
         WHERE site_id = $1 AND session_id = $2`,
        [
          b.siteId,
          b.sessionId,
          b.visitorId,
          b.firstTimestamp,
          b.lastTimestamp,
          b.receivedAt,
          b.eventCount,
          b.blob.length,
          b.pages,
          b.seq,
          b.droppedBatches,
          b.droppedEvents,
          clicks,
          inputs,
          first?.url ?? null,
          first?.at ?? null,
          last?.url ?? null,
          last?.at ?? null,
        ],
      );
      for (const url of new Set(urls.map((u) => u.url))) {
        await client.query('INSERT INTO session_urls (site_id, session_id, url) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
          b.siteId,
          b.sessionId,
          url,
        ]);
      }
      if (b.visitorId !== null) {
        await client.query('INSERT INTO session_visitors (site_id, session_id, visitor_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
          b.siteId,
          b.sessionId,
          b.visitorId,
        ]);
      }
      return { gap };
    });
  }

  async function rowHasBlobKey(b: BatchWrite, blobKey: string): Promise<boolean> {
    return Boolean(
      await one('SELECT 1 AS ok FROM batches WHERE site_id = $1 AND session_id = $2 AND seq = $3 AND blob_key = $4', [
        b.siteId,
        b.sessionId,
        b.seq,
        blobKey,
      ]),
    );
  }

  const loginLimits: SharedLoginLimits = {
    async ipFailed(ip, now, forgetAfterMs) {
      const row = await one(
        `INSERT INTO login_limits AS l (kind, key, failures, at) VALUES ('ip', $1, 1, $2)
         ON CONFLICT (kind, key) DO UPDATE SET
           failures = CASE WHEN $2 - l.at > $3 THEN 1 ELSE l.failures + 1 END,
           blocked_until = CASE WHEN $2 - l.at > $3 THEN 0 ELSE l.blocked_until END,
           at = greatest(l.at, $2)
         RETURNING failures`,
        [ip, now, forgetAfterMs],
      );
      return Number(row.failures);
    },
    async ipWaitUntil(ip, until) {
      await pool.query(`UPDATE login_limits SET blocked_until = greatest(blocked_until, $2) WHERE kind = 'ip' AND key = $1`, [ip, until]);
    },
    async ipBlockedUntil(ip) {
      const row = await one(`SELECT blocked_until FROM login_limits WHERE kind = 'ip' AND key = $1`, [ip]);
      return row ? Number(row.blocked_until) : 0;
    },
    async ipSucceeded(ip) {
      await pool.query(`DELETE FROM login_limits WHERE kind = 'ip' AND key = $1`, [ip]);
    },
    async accountFailed(account, now, { perSecond, burst }) {
      // the bucket refilled up to now, less one failure if it has one left; a clock behind the row's adds nothing
      await pool.query(
        `INSERT INTO login_limits AS l (kind, key, tokens, at) VALUES ('account', $1, $3::float8 - 1, $2)
         ON CONFLICT (kind, key) DO UPDATE SET
           tokens = least($3::float8, l.tokens + greatest(0, $2 - l.at) / 1000.0 * $4::float8)
             - CASE WHEN least($3::float8, l.tokens + greatest(0, $2 - l.at) / 1000.0 * $4::float8) >= 1 THEN 1 ELSE 0 END,
           at = greatest(l.at, $2)`,
        [account, now, burst, perSecond],
      );
    },
    async accountTokens(account, now, { perSecond, burst }) {
      const row = await one(`SELECT tokens, at FROM login_limits WHERE kind = 'account' AND key = $1`, [account]);
      if (!row) return burst;
      return Math.min(burst, Number(row.tokens) + (Math.max(0, now - Number(row.at)) / 1000) * perSecond);
    },
    async purge(now, forgetAfterMs, { perSecond, burst }) {
      const refilledAfterMs = Math.ceil((burst / perSecond) * 1000);
      const { rowCount } = await pool.query(
        `DELETE FROM login_limits WHERE
           (kind = 'ip' AND blocked_until <= $1 AND at < $1 - $2::bigint) OR (kind = 'account' AND at < $1 - $3::bigint)`,
        [now, forgetAfterMs, refilledAfterMs],
      );
      return rowCount ?? 0;
    },
  };

  return {
    kind: 'postgres',
    loginLimits,
    async migrate() {
      await transaction(async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
        await client.query('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
        const { rows } = await client.query('SELECT version FROM schema_version');
        let version: number = rows[0]?.version ?? 0;
        if (!rows[0]) await client.query('INSERT INTO schema_version (version) VALUES (0)');
        await client.query('SET LOCAL statement_timeout = 0');
        for (; version < POSTGRES_MIGRATIONS.length; version++) {
          await client.query({ text: POSTGRES_MIGRATIONS[version], query_timeout: MIGRATION_QUERY_TIMEOUT_MS } as any);
        }
        await client.query('UPDATE schema_version SET version = $1', [version]);
        await client.query('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT DO NOTHING', ['server_secret', randomBytes(32)]);
      });
      await blobStore?.check();
    },
    async close() {
      if (closed) return;
      closed = true;
      blobStore?.close();
      await pool.end();
    },
    async getServerSecret() {
      return (await one('SELECT value FROM meta WHERE key = $1', ['server_secret'])).value as Buffer;
    },
    async createSite({ name, origins, privacy, keyHash }) {
      const row = await one('INSERT INTO sites (name, key_hash, origins, privacy, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING *', [
        name,
        keyHash,
        JSON.stringify(origins),
        privacy,
        Date.now(),
      ]);
      return siteFromRow(row);
    },
    async setSiteSettings(siteId, settings) {
      await pool.query(
        'UPDATE sites SET privacy = $1, recording = $2, record_inputs = $3, sample_rate = $4, retention_days = $5 WHERE id = $6',
        [settings.privacy, settings.recording, settings.recordInputs, settings.sampleRate, settings.retentionDays, siteId],
      );
    },
    async listSites() {
      return (await pool.query('SELECT * FROM sites ORDER BY name')).rows.map(siteFromRow);
    },
    async getSiteByName(name) {
      const row = await one('SELECT * FROM sites WHERE name = $1', [name]);
      return row ? siteFromRow(row) : null;
    },
    async getSiteByKeyHash(keyHash) {
      const row = await one('SELECT * FROM sites WHERE key_hash = $1', [keyHash]);
      return row ? siteFromRow(row) : null;
    },
    async setSiteOrigins(siteId, origins) {
      await pool.query('UPDATE sites SET origins = $1 WHERE id = $2', [JSON.stringify(origins), siteId]);
    },
    async setSiteKeyHash(siteId, keyHash) {
      await pool.query('UPDATE sites SET key_hash = $1 WHERE id = $2', [keyHash, siteId]);
    },
    async isKnownOrigin(origin) {
      const row = await one('SELECT 1 AS ok FROM sites WHERE origins @> $1::jsonb LIMIT 1', [JSON.stringify([origin])]);
      return Boolean(row);
    },
    async createUser({ email, passwordHash }) {
      const row = await one('INSERT INTO users (email, password_hash, created_at) VALUES ($1, $2, $3) RETURNING *', [
        email,
        passwordHash,
        Date.now(),
      ]);
      return { id: Number(row.id), email: row.email, passwordHash: row.password_hash, createdAt: Number(row.created_at) };
    },
    async getUserByEmail(email) {
      const row = await one('SELECT * FROM users WHERE email = $1', [email]);
      return row ? userFromRow(row) : null;
    },
    async setUserPassword(userId, passwordHash) {
      await transaction(async (client) => {
        await client.query('UPDATE users SET password_hash = $1 WHERE id = $2', [passwordHash, userId]);
        await client.query('DELETE FROM login_sessions WHERE user_id = $1', [userId]);
      });
    },
    async addUserToSite(userId, siteId, role) {
      await pool.query(
        'INSERT INTO user_sites (user_id, site_id, role) VALUES ($1, $2, $3) ON CONFLICT (user_id, site_id) DO UPDATE SET role = excluded.role',
        [userId, siteId, role],
      );
    },
    async removeUserFromSite(userId, siteId) {
      return ((await pool.query('DELETE FROM user_sites WHERE user_id = $1 AND site_id = $2', [userId, siteId])).rowCount ?? 0) > 0;
    },
    async usersOfSite(siteId) {
      const { rows } = await pool.query(
        'SELECT users.*, user_sites.role FROM users JOIN user_sites ON user_sites.user_id = users.id WHERE user_sites.site_id = $1 ORDER BY users.email',
        [siteId],
      );
      return rows.map((row) => ({ user: userFromRow(row), role: row.role === 'admin' ? ('admin' as const) : ('viewer' as const) }));
    },
    async getUserById(userId) {
      const row = await one('SELECT * FROM users WHERE id = $1', [userId]);
      return row ? userFromRow(row) : null;
    },
    async createInvitation(inv) {
      await pool.query(
        'INSERT INTO invitations (token_hash, site_id, email, role, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)',
        [inv.tokenHash, inv.siteId, inv.email, inv.role, inv.createdAt, inv.expiresAt],
      );
    },
    async getInvitation(tokenHash, now) {
      const row = await one('SELECT * FROM invitations WHERE token_hash = $1 AND expires_at > $2', [tokenHash, now]);
      return row ? invitationFromRow(row) : null;
    },
    async deleteInvitation(tokenHash) {
      return ((await pool.query('DELETE FROM invitations WHERE token_hash = $1', [tokenHash])).rowCount ?? 0) > 0;
    },
    async invitationsOfSite(siteId, now) {
      const { rows } = await pool.query('SELECT * FROM invitations WHERE site_id = $1 AND expires_at > $2 ORDER BY created_at DESC', [
        siteId,
        now,
      ]);
      return rows.map(invitationFromRow);
    },
    async listUsers() {
      return (await pool.query('SELECT * FROM users ORDER BY email')).rows.map(userFromRow);
    },
    async deleteUser(userId) {
      return ((await pool.query('DELETE FROM users WHERE id = $1', [userId])).rowCount ?? 0) > 0;
    },
    async sitesOfUser(userId) {
      const { rows } = await pool.query(
        'SELECT sites.*, user_sites.role FROM sites JOIN user_sites ON user_sites.site_id = sites.id WHERE user_sites.user_id = $1 ORDER BY sites.name',
        [userId],
      );
      return rows.map(memberSiteFromRow);
    },
    async getTwoFactor(userId) {
      const row = await one(
        `SELECT totp_secret, totp_pending_secret, totp_last_step,
           (SELECT count(*) FROM recovery_codes WHERE user_id = users.id AND used_at IS NULL) AS codes_left
         FROM users WHERE id = $1`,
        [userId],
      );
      return {
        secret: row?.totp_secret ?? null,
        pendingSecret: row?.totp_pending_secret ?? null,
        lastStep: row?.totp_last_step === null || row?.totp_last_step === undefined ? null : Number(row.totp_last_step),
        recoveryCodesLeft: Number(row?.codes_left ?? 0),
      };
    },
    async setPendingTotpSecret(userId, secret) {
      await pool.query('UPDATE users SET totp_pending_secret = $1 WHERE id = $2', [secret, userId]);
    },
    async enableTwoFactor(userId, { secret, step, recoveryCodeHashes }) {
      return transaction(async (client) => {
        const { rowCount } = await client.query(
          'UPDATE users SET totp_secret = $1, totp_pending_secret = NULL, totp_last_step = $2 WHERE id = $3 AND totp_pending_secret = $1',
          [secret, step, userId],
        );
        if (!rowCount) return false;
        await client.query('DELETE FROM recovery_codes WHERE user_id = $1', [userId]);
        for (const hash of recoveryCodeHashes) {
          await client.query('INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)', [userId, hash]);
        }
        return true;
      });
    },
    async disableTwoFactor(userId) {
      await transaction(async (client) => {
        await client.query('UPDATE users SET totp_secret = NULL, totp_pending_secret = NULL, totp_last_step = NULL WHERE id = $1', [
          userId,
        ]);
        await client.query('DELETE FROM recovery_codes WHERE user_id = $1', [userId]);
      });
    },
    async useTotpStep(userId, step) {
      const { rowCount } = await pool.query(
        'UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_secret IS NOT NULL AND (totp_last_step IS NULL OR totp_last_step < $1)',
        [step, userId],
      );
      return (rowCount ?? 0) > 0;
    },
    async useRecoveryCode(userId, codeHash, now) {
      const { rowCount } = await pool.query(
        'UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL',
        [now, userId, codeHash],
      );
      return (rowCount ?? 0) > 0;
    },
    async appendAudit(e) {
      await pool.query(
        `INSERT INTO audit_log (site_id, user_id, actor, action, detail, ip, at)
         VALUES ($1, $2, (SELECT email FROM users WHERE id = $2), $3, $4, $5, $6)`,
        [e.siteId, e.userId, e.action, e.detail, e.ip, e.at],
      );
    },
    async listAudit(siteId, { limit, before }) {
      const { rows } = before
        ? await pool.query(
            'SELECT * FROM audit_log WHERE site_id = $1 AND (at < $2 OR (at = $2 AND id < $3)) ORDER BY at DESC, id DESC LIMIT $4',
            [siteId, before.at, before.id, limit],
          )
        : await pool.query('SELECT * FROM audit_log WHERE site_id = $1 ORDER BY at DESC, id DESC LIMIT $2', [siteId, limit]);
      return rows.map(auditFromRow);
    },
    async purgeAuditBefore(before, siteId) {
      if (siteId !== undefined)
        return (await pool.query('DELETE FROM audit_log WHERE site_id = $1 AND at < $2', [siteId, before])).rowCount ?? 0;
      return (await pool.query('DELETE FROM audit_log WHERE at < $1', [before])).rowCount ?? 0;
    },
    async createLoginSession(idHash, session) {
      await pool.query('INSERT INTO login_sessions (id_hash, user_id, expires_at) VALUES ($1, $2, $3)', [
        idHash,
        session.userId,
        session.expiresAt,
      ]);
    },
    async getLoginSession(idHash, now) {
      const row = await one('SELECT user_id, expires_at FROM login_sessions WHERE id_hash = $1', [idHash]);
      if (!row || Number(row.expires_at) <= now) return null;
      return { userId: Number(row.user_id), expiresAt: Number(row.expires_at) };
    },
    async deleteLoginSession(idHash) {
      await pool.query('DELETE FROM login_sessions WHERE id_hash = $1', [idHash]);
    },
    async hasBatch(siteId, sessionId, seq) {
      return Boolean(
        await one('SELECT 1 AS ok FROM batches WHERE site_id = $1 AND session_id = $2 AND seq = $3', [siteId, sessionId, seq]),
      );
    },
    writeBatch: (batch) => writeBatchWithBlob(batch, blobStore, writeRows, rowHasBlobKey),
    async referencedBlobKeys(objects) {
      if (objects.length === 0) return new Set();
      // a page of keys as four parallel arrays: one statement, each row found by primary key
      const { rows } = await pool.query(
        `SELECT b.blob_key FROM unnest($1::integer[], $2::text[], $3::integer[], $4::text[]) AS k(site_id, session_id, seq, blob_key)
         JOIN batches AS b ON b.site_id = k.site_id AND b.session_id = k.session_id AND b.seq = k.seq AND b.blob_key = k.blob_key`,
        [objects.map((o) => o.siteId), objects.map((o) => o.sessionId), objects.map((o) => o.seq), objects.map((o) => o.key)],
      );
      return new Set(rows.map((row) => row.blob_key as string));
    },
    async batchesForRebuild(siteId, sessionId, beforeSeq) {
      const full = await one(
        'SELECT max(seq) AS seq FROM batches WHERE site_id = $1 AND session_id = $2 AND seq < $3 AND has_full_snapshot',
        [siteId, sessionId, beforeSeq],
      );
      const from = full?.seq === null || full?.seq === undefined ? 0 : Number(full.seq);
      const { rows } = await pool.query(
        `SELECT ${BATCH_COLUMNS} FROM batches WHERE site_id = $1 AND session_id = $2 AND seq >= $3 AND seq < $4 ORDER BY seq`,
        [siteId, sessionId, from, beforeSeq],
      );
      return loadBlobs(rows.map(toBatch), blobStore);
    },
    async getBatches(siteId, sessionId) {
      const { rows } = await pool.query(`SELECT ${BATCH_COLUMNS} FROM batches WHERE site_id = $1 AND session_id = $2 ORDER BY seq`, [
        siteId,
        sessionId,
      ]);
      return loadBlobs(rows.map(toBatch), blobStore);
    },
    async batchesAfter(siteId, sessionId, afterSeq, limit) {
      const { rows } = await pool.query(
        `SELECT ${BATCH_COLUMNS} FROM batches WHERE site_id = $1 AND session_id = $2 AND seq > $3 ORDER BY seq LIMIT $4`,
        [siteId, sessionId, afterSeq, limit],
      );
      return loadBlobs(rows.map(toBatch), blobStore);
    },
    async getSession(siteId, sessionId) {
      const row = await one(`SELECT ${SESSION_LIST_COLUMNS} FROM sessions WHERE site_id = $1 AND session_id = $2`, [siteId, sessionId]);
      return row ? sessionFromRow(row) : null;
    },
    async listSessions(siteId, { limit = 100, offset = 0 } = {}) {
      const { rows } = await pool.query(
        `SELECT ${SESSION_LIST_COLUMNS} FROM sessions WHERE site_id = $1 ORDER BY last_received_at DESC LIMIT $2 OFFSET $3`,
        [siteId, limit, offset],
      );
      return rows.map(sessionFromRow);
    },
    async findSessions(siteId, query) {
      const { sql, params, reversed } = sessionListSql(siteId, query, postgresDialect);
      const rows = (await pool.query(sql, params)).rows.map(sessionFromRow);
      return reversed ? rows.reverse() : rows;
    },
    async visitorSessions(siteId, visitorId) {
      const { rows } = await pool.query(
        `SELECT ${SESSION_LIST_COLUMNS} FROM sessions WHERE site_id = $1 AND visitor_id = $2 ORDER BY started_at, first_received_at, session_id`,
        [siteId, visitorId],
      );
      return rows.map(sessionFromRow);
    },
    async getGaps(siteId, sessionId) {
      const { rows } = await pool.query(
        'SELECT expected_seq, received_seq, received_at FROM gaps WHERE site_id = $1 AND session_id = $2 ORDER BY received_seq',
        [siteId, sessionId],
      );
      return rows.map((r) => ({
        expectedSeq: Number(r.expected_seq),
        receivedSeq: Number(r.received_seq),
        receivedAt: Number(r.received_at),
      }));
    },
    deleteSession: (siteId, sessionId) => deleteWhere('site_id = $1 AND session_id = $2', [siteId, sessionId]),
    deleteVisitor: (siteId, visitorId) =>
      deleteWhere(
        'site_id = $1 AND (visitor_id = $2 OR session_id IN (SELECT session_id FROM session_visitors WHERE site_id = $1 AND visitor_id = $2))',
        [siteId, visitorId],
      ),
    purgeSessionsBefore: (before) => deleteWhere('last_received_at < $1', [before]),
    purgeSiteSessionsBefore: (siteId, before) => deleteWhere('site_id = $1 AND last_received_at < $2', [siteId, before]),
    async purgeLoginSessions(now) {
      await pool.query('DELETE FROM invitations WHERE expires_at <= $1', [now]);
      return (await pool.query('DELETE FROM login_sessions WHERE expires_at <= $1', [now])).rowCount ?? 0;
    },
  };
}
