// The session list's SQL, the same for both databases but for placeholders
// and the substring function. Every value is a parameter; the only text put
// into the SQL is chosen from the fixed maps below.
import type { SessionQuery } from './types';

const SORT_COLUMNS = { start: 'started_at', duration: 'duration', activity: 'activity' } as const;

export const SESSION_LIST_COLUMNS = `site_id, session_id, visitor_id, started_at, ended_at, first_received_at, last_received_at,
  batches, events, bytes, pages, max_seq, dropped_batches, dropped_events, clicks, inputs, first_url, last_url`;

export interface Dialect {
  /** The placeholder for the n-th parameter (1-based). */
  param(n: number): string;
  /** SQL that is true when `haystack` contains `needle`, case-sensitively. */
  contains(haystack: string, needle: string): string;
}

export const sqliteDialect: Dialect = { param: () => '?', contains: (h, n) => `instr(${h}, ${n}) > 0` };
export const postgresDialect: Dialect = { param: (n) => `$${n}`, contains: (h, n) => `strpos(${h}, ${n}) > 0` };

/**
 * The list's SQL. A page before a cursor is read walking backwards from it
 * (the same index, the other way): `reversed` says its rows come out last
 * first and must be turned around.
 */
export function sessionListSql(siteId: number, q: SessionQuery, d: Dialect): { sql: string; params: unknown[]; reversed: boolean } {
  const params: unknown[] = [];
  const p = (value: unknown) => {
    params.push(value);
    return d.param(params.length);
  };
  const column = SORT_COLUMNS[q.sort] ?? SORT_COLUMNS.start;
  const desc = q.order !== 'asc';
  // sessions without a timestamped event (empty batches only) have nothing to replay or sort by
  const where = [`site_id = ${p(siteId)}`, 'started_at IS NOT NULL'];
  if (q.from != null) where.push(`started_at >= ${p(q.from)}`);
  if (q.to != null) where.push(`started_at < ${p(q.to)}`);
  if (q.minDurationMs != null) where.push(`duration >= ${p(q.minDurationMs)}`);
  if (q.minPages != null) where.push(`pages >= ${p(q.minPages)}`);
  if (q.visitorId) where.push(`visitor_id = ${p(q.visitorId)}`);
  if (q.hasGaps === true) where.push('(max_seq + 1 > batches OR dropped_batches > 0)');
  if (q.hasGaps === false) where.push('(max_seq + 1 <= batches AND dropped_batches = 0)');
  if (q.url) {
    // EXISTS, not IN (subquery): the list walks its sort index and probes each
    // session's URLs by primary key, stopping at a page of matches; an IN set
    // would first gather every session that ever visited a common URL
    const match = q.urlMatch === 'equals' ? `u.url = ${p(q.url)}` : d.contains('u.url', p(q.url));
    where.push(
      `EXISTS (SELECT 1 FROM session_urls u WHERE u.site_id = sessions.site_id AND u.session_id = sessions.session_id AND ${match})`,
    );
  }
  const reversed = !q.after && !!q.before;
  if (q.after) where.push(`(${column}, session_id) ${desc ? '<' : '>'} (${p(q.after.value)}, ${p(q.after.sessionId)})`);
  else if (q.before) where.push(`(${column}, session_id) ${desc ? '>' : '<'} (${p(q.before.value)}, ${p(q.before.sessionId)})`);
  const dir = desc !== reversed ? 'DESC' : 'ASC';
  const limit = Math.max(1, Math.min(500, q.limit ?? 50));
  const sql = `SELECT ${SESSION_LIST_COLUMNS} FROM sessions WHERE ${where.join(' AND ')} ORDER BY ${column} ${dir}, session_id ${dir} LIMIT ${p(limit)}`;
  return { sql, params, reversed };
}

/** The value a row is sorted by, for the next page's `after`. */
export function sortValue(
  sort: SessionQuery['sort'],
  row: { startedAt: number | null; endedAt: number | null; clicks: number; inputs: number },
): number {
  if (sort === 'duration') return row.startedAt === null || row.endedAt === null ? 0 : row.endedAt - row.startedAt;
  if (sort === 'activity') return row.clicks + row.inputs;
  return row.startedAt ?? 0;
}
