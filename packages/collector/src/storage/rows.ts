import type { AuditEntry, SessionSummary, User } from './types';

/** Maps a sessions row of either database (PostgreSQL returns BIGINT as strings). */
export function sessionFromRow(row: Record<string, unknown>): SessionSummary {
  const n = (v: unknown) => Number(v);
  const nOrNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  const batches = n(row.batches);
  const maxSeq = n(row.max_seq);
  return {
    siteId: n(row.site_id),
    sessionId: String(row.session_id),
    visitorId: (row.visitor_id as string | null) ?? null,
    startedAt: nOrNull(row.started_at),
    endedAt: nOrNull(row.ended_at),
    firstReceivedAt: n(row.first_received_at),
    lastReceivedAt: n(row.last_received_at),
    batches,
    events: n(row.events),
    bytes: n(row.bytes),
    pages: n(row.pages),
    maxSeq,
    missingBatches: Math.max(0, maxSeq + 1 - batches),
    droppedBatches: n(row.dropped_batches),
    droppedEvents: n(row.dropped_events),
    clicks: n(row.clicks ?? 0),
    inputs: n(row.inputs ?? 0),
    firstUrl: (row.first_url as string | null) ?? null,
    lastUrl: (row.last_url as string | null) ?? null,
  };
}

/** Maps a users row of either database. */
export function userFromRow(row: Record<string, unknown>): User {
  return { id: Number(row.id), email: String(row.email), passwordHash: String(row.password_hash), createdAt: Number(row.created_at) };
}

/** Maps an audit_log row of either database. */
export function auditFromRow(row: Record<string, unknown>): AuditEntry {
  const nOrNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    id: Number(row.id),
    siteId: nOrNull(row.site_id),
    userId: nOrNull(row.user_id),
    actor: (row.actor as string | null) ?? null,
    action: String(row.action),
    detail: String(row.detail),
    ip: (row.ip as string | null) ?? null,
    at: Number(row.at),
  };
}
