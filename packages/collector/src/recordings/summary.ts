// What the session list shows about a batch, taken from its scrubbed events
// (so a count never includes something the scrubber dropped, and a URL is the
// scrubbed one: filters match what the viewer shows, never a removed secret).
import { EventType, IncrementalSource, NAVIGATION_EVENT, type RecordedEvent } from '@veil/core/engine';

/** rrweb's MouseInteraction type for a click. */
const CLICK = 2;
/** A page URL is kept for filtering up to this length; longer ones are cut (they still match "contains" on their start). */
export const MAX_URL_LENGTH = 2048;

export interface BatchSummary {
  /** Earliest and latest event timestamps (client clock, ms); null when no event has a usable one. */
  firstTimestamp: number | null;
  lastTimestamp: number | null;
  /** Page loads (meta events) and single-page navigations (Veil's navigation event). */
  pages: number;
  /** Whether a later batch's scrubber can be rebuilt starting here. */
  hasFullSnapshot: boolean;
  /** Clicks, and input events (settled values, checkbox and select changes). */
  clicks: number;
  inputs: number;
  /** The batch's page URLs in time order (page loads and navigations), each with its timestamp. */
  urls: { url: string; at: number }[];
}

export function summarize(events: RecordedEvent[]): BatchSummary {
  let firstTimestamp: number | null = null;
  let lastTimestamp: number | null = null;
  let pages = 0;
  let clicks = 0;
  let inputs = 0;
  let hasFullSnapshot = false;
  const urls: { url: string; at: number }[] = [];
  for (const event of events) {
    const t = event.timestamp;
    const timed = typeof t === 'number' && Number.isFinite(t);
    if (timed) {
      if (firstTimestamp === null || t < firstTimestamp) firstTimestamp = t;
      if (lastTimestamp === null || t > lastTimestamp) lastTimestamp = t;
    }
    if (event.type === EventType.FullSnapshot) hasFullSnapshot = true;
    const href = pageUrl(event);
    if (href !== undefined) {
      pages += 1;
      if (href !== null && timed) urls.push({ url: href.slice(0, MAX_URL_LENGTH), at: t });
    }
    if (event.type === EventType.IncrementalSnapshot) {
      const data = event.data as { source?: unknown; type?: unknown } | null;
      if (data?.source === IncrementalSource.MouseInteraction && data.type === CLICK) clicks += 1;
      else if (data?.source === IncrementalSource.Input) inputs += 1;
    }
  }
  urls.sort((a, b) => a.at - b.at);
  return { firstTimestamp, lastTimestamp, pages, hasFullSnapshot, clicks, inputs, urls };
}

/** undefined: not a page change; null: a page change without a usable URL; else its URL. */
function pageUrl(event: RecordedEvent): string | null | undefined {
  const data = event.data as { href?: unknown; tag?: unknown; payload?: { href?: unknown } } | null;
  if (event.type === EventType.Meta) return typeof data?.href === 'string' ? data.href : null;
  if (event.type === EventType.Custom && data?.tag === NAVIGATION_EVENT)
    return typeof data.payload?.href === 'string' ? data.payload.href : null;
  return undefined;
}
