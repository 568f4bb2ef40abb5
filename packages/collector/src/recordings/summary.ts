// What the session list shows about a batch, taken from its scrubbed events
// (so a count never includes something the scrubber dropped).
import { EventType, NAVIGATION_EVENT, type RecordedEvent } from '@veil/core/engine';

export interface BatchSummary {
  /** Earliest and latest event timestamps (client clock, ms); null when no event has a usable one. */
  firstTimestamp: number | null;
  lastTimestamp: number | null;
  /** Page loads (meta events) and single-page navigations (Veil's navigation event). */
  pages: number;
  /** Whether a later batch's scrubber can be rebuilt starting here. */
  hasFullSnapshot: boolean;
}

export function summarize(events: RecordedEvent[]): BatchSummary {
  let firstTimestamp: number | null = null;
  let lastTimestamp: number | null = null;
  let pages = 0;
  let hasFullSnapshot = false;
  for (const event of events) {
    const t = event.timestamp;
    if (typeof t === 'number' && Number.isFinite(t)) {
      if (firstTimestamp === null || t < firstTimestamp) firstTimestamp = t;
      if (lastTimestamp === null || t > lastTimestamp) lastTimestamp = t;
    }
    if (event.type === EventType.FullSnapshot) hasFullSnapshot = true;
    if (event.type === EventType.Meta || isNavigation(event)) pages += 1;
  }
  return { firstTimestamp, lastTimestamp, pages, hasFullSnapshot };
}

const isNavigation = (event: RecordedEvent) =>
  event.type === EventType.Custom && (event.data as { tag?: unknown } | null)?.tag === NAVIGATION_EVENT;
