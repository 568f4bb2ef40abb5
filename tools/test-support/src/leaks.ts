// The search for planted secrets is @veil/testing's, the one Veil's users run
// in their own suites. Read from its source: the core's tests use this
// package too, and the core is what @veil/testing is built on.
export { findLeaks, squash, stringsIn } from '../../../packages/testing/src/leaks';
import { replayedText, type RecordedEvent } from '../../../packages/testing/src/replayed';

/**
 * What a demo's own recorder sent, in the shape @veil/testing's expectNoLeak
 * reads (the demos run their own recorder, so recordPage, which starts one,
 * cannot capture it): the batches, their events, and the replayed text.
 */
export function recordingOf(batches: readonly { events: readonly RecordedEvent[] }[]) {
  const events = batches.flatMap((batch) => batch.events);
  return { batches: batches as never, events: [...events], replayed: replayedText(events) };
}
