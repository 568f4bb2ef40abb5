// The session list's query string (filters, sort, keyset cursor) and its HTML.
// Every value from the query string is checked here and reaches the database
// only as a parameter; every recorded value (URLs, visitor ids) is escaped.
import type { SessionQuery, SessionSort, SessionSummary } from '../storage/types';
import { esc, formatBytes, formatDuration, formatTime } from './html';
import { idPathSegment } from './id-path';

const SORTS: SessionSort[] = ['start', 'duration', 'activity'];
const DAY_MS = 24 * 60 * 60 * 1000;

/** The list's query-string fields, as given (for the form and the links). */
export type ListValues = Record<
  'sort' | 'order' | 'from' | 'to' | 'url' | 'match' | 'minDuration' | 'visitor' | 'minPages' | 'gaps' | 'after' | 'before',
  string
>;

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : (v ?? '')).trim().slice(0, 2048);

function day(value: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
  const t = Date.parse(`${value}T00:00:00Z`);
  return Number.isNaN(t) ? null : t;
}

export function parseListQuery(raw: Record<string, string | string[] | undefined>): {
  query: SessionQuery;
  values: ListValues;
  problems: string[];
} {
  const values = Object.fromEntries(
    ['sort', 'order', 'from', 'to', 'url', 'match', 'minDuration', 'visitor', 'minPages', 'gaps', 'after', 'before'].map((k) => [
      k,
      one(raw[k]),
    ]),
  ) as ListValues;
  const problems: string[] = [];
  const sort = (SORTS as string[]).includes(values.sort) ? (values.sort as SessionSort) : 'start';
  const order = values.order === 'asc' ? 'asc' : 'desc';
  const query: SessionQuery = { sort, order };
  if (values.from) {
    query.from = day(values.from);
    if (query.from === null) problems.push(`"From" must be a date like 2026-12-01, not "${values.from.slice(0, 40)}"; it was ignored.`);
  }
  if (values.to) {
    const to = day(values.to);
    // "to" is the last day included
    query.to = to === null ? null : to + DAY_MS;
    if (to === null) problems.push(`"To" must be a date like 2026-12-31, not "${values.to.slice(0, 40)}"; it was ignored.`);
  }
  if (values.url) {
    query.url = values.url;
    query.urlMatch = values.match === 'equals' ? 'equals' : 'contains';
  }
  const count = (name: string, value: string, max: number): number | null => {
    if (!value) return null;
    if (!/^\d{1,9}$/.test(value) || Number(value) > max) {
      problems.push(`"${name}" must be a whole number from 0 to ${max}; it was ignored.`);
      return null;
    }
    return Number(value);
  };
  const minDuration = count('Minimum duration', values.minDuration, 10_000_000);
  if (minDuration !== null) query.minDurationMs = minDuration * 1000;
  query.minPages = count('Pages at least', values.minPages, 1_000_000);
  if (values.visitor) query.visitorId = values.visitor.slice(0, 128);
  if (values.gaps === 'yes') query.hasGaps = true;
  else if (values.gaps === 'no') query.hasGaps = false;
  // a page link's cursor: the sort value and session id of the row next to the page
  const cursor = (value: string) => {
    const m = /^(-?\d{1,16})~(.{1,256})$/s.exec(value);
    if (!m) problems.push('The page link was malformed; showing the first page.');
    return m ? { value: Number(m[1]), sessionId: m[2] } : null;
  };
  if (values.after) query.after = cursor(values.after);
  else if (values.before) query.before = cursor(values.before);
  return { query, values, problems };
}

export function filterForm(action: string, v: ListValues): string {
  const option = (value: string, label: string, current: string) =>
    `<option value="${value}"${current === value ? ' selected' : ''}>${label}</option>`;
  return `<form class="filters" method="get" action="${esc(action)}">
<label>From <input type="date" name="from" value="${esc(v.from)}"></label>
<label>To <input type="date" name="to" value="${esc(v.to)}"></label>
<label class="wide">Page URL <span class="inline"><select name="match" aria-label="How the URL matches">${option('contains', 'contains', v.match || 'contains')}${option('equals', 'is exactly', v.match)}</select><input type="text" name="url" value="${esc(v.url)}" placeholder="/checkout"></span></label>
<label>Min. duration (s) <input type="number" name="minDuration" min="0" value="${esc(v.minDuration)}"></label>
<label>Pages at least <input type="number" name="minPages" min="0" value="${esc(v.minPages)}"></label>
<label>Visitor id <input type="text" name="visitor" value="${esc(v.visitor)}"></label>
<label>Gaps <select name="gaps">${option('', 'any', v.gaps)}${option('yes', 'with gaps', v.gaps)}${option('no', 'without gaps', v.gaps)}</select></label>
<label>Sort <select name="sort">${option('start', 'start', v.sort || 'start')}${option('duration', 'duration', v.sort)}${option('activity', 'activity', v.sort)}</select></label>
<label>Order <select name="order">${option('desc', 'highest / newest first', v.order || 'desc')}${option('asc', 'lowest / oldest first', v.order)}</select></label>
<span class="actions"><button type="submit">Apply</button> <a href="${esc(action)}">Clear</a></span>
</form>`;
}

/** A column header that sorts by its column (a second click flips the order). */
export function sortHeader(base: string, keep: URLSearchParams, sort: SessionSort, label: string, q: SessionQuery): string {
  const params = new URLSearchParams(keep);
  const current = q.sort === sort;
  params.set('sort', sort);
  params.set('order', current && q.order !== 'asc' ? 'asc' : 'desc');
  const arrow = current ? (q.order === 'asc' ? ' ▲' : ' ▼') : '';
  const aria = current ? ` aria-sort="${q.order === 'asc' ? 'ascending' : 'descending'}"` : '';
  return `<th${aria}><a href="${esc(`${base}?${params}`)}">${esc(label)}${arrow}</a></th>`;
}

/** The path and query of a URL, for a narrow column; the whole URL is the title. */
function shortUrl(url: string | null): string {
  if (!url) return '<span class="muted">–</span>';
  let short = url;
  try {
    const u = new URL(url);
    short = u.pathname + u.search;
  } catch {
    /* shown as recorded */
  }
  return `<span class="url" title="${esc(url)}">${esc(short.length > 60 ? `${short.slice(0, 59)}…` : short)}</span>`;
}

export function sessionRow(siteBase: string, s: SessionSummary): string {
  const href = `${siteBase}/sessions/${idPathSegment(s.sessionId)}`;
  const duration = s.startedAt === null || s.endedAt === null ? null : s.endedAt - s.startedAt;
  const pages =
    s.firstUrl && s.lastUrl && s.firstUrl !== s.lastUrl
      ? `${shortUrl(s.firstUrl)} <span class="muted">→</span> ${shortUrl(s.lastUrl)}`
      : shortUrl(s.firstUrl);
  const gaps =
    s.missingBatches || s.droppedBatches
      ? `<span class="warn">${[s.missingBatches ? `${s.missingBatches} missing` : '', s.droppedBatches ? `${s.droppedBatches} dropped` : ''].filter(Boolean).join(', ')}</span>`
      : '<span class="muted">none</span>';
  const visitor = s.visitorId
    ? `<a class="mono" href="${esc(`${siteBase}/visitors/${idPathSegment(s.visitorId)}`)}">${esc(s.visitorId.length > 24 ? `${s.visitorId.slice(0, 23)}…` : s.visitorId)}</a>`
    : '<span class="muted">–</span>';
  return `<tr data-session="${esc(s.sessionId)}">
<td data-label="Start"><span><a href="${esc(href)}">${esc(formatTime(s.startedAt))}</a><br><span class="sid mono muted" title="Session id (what veil-collector delete --session takes)">${esc(s.sessionId)}</span></span></td>
<td data-label="Duration">${esc(formatDuration(duration))}</td>
<td data-label="Pages" class="pages"><span><span class="count">${s.pages} ${s.pages === 1 ? 'page' : 'pages'}</span> ${pages}</span></td>
<td data-label="Activity">${s.clicks} ${s.clicks === 1 ? 'click' : 'clicks'}, ${s.inputs} ${s.inputs === 1 ? 'input' : 'inputs'}</td>
<td data-label="Size">${esc(formatBytes(s.bytes))}</td>
<td data-label="Gaps">${gaps}</td>
<td data-label="Visitor">${visitor}</td>
</tr>`;
}

export function totals(sessions: SessionSummary[]): { batches: number; events: number; bytes: number } {
  return sessions.reduce((t, s) => ({ batches: t.batches + s.batches, events: t.events + s.events, bytes: t.bytes + s.bytes }), {
    batches: 0,
    events: 0,
    bytes: 0,
  });
}
