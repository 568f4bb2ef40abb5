// Gap bookkeeping, the same for every database: each back end calls this
// inside its write transaction, once the session's row is settled (locked on
// PostgreSQL, a write transaction on SQLite), and stores what it returns.
import type { GapRecord } from './types';

/**
 * The sequence numbers a batch skips over, or null when it is the next one or
 * fills an earlier hole. `highestSeq` is the session's highest stored `seq`
 * before this batch: null, or -1, when nothing of the session is stored yet,
 * so a session whose first batch to arrive is not seq 0 gets a gap from 0.
 *
 * @example
 * gapBefore(0, 3, now); // { expectedSeq: 1, receivedSeq: 3, receivedAt: now }
 */
export function gapBefore(highestSeq: number | null, seq: number, receivedAt: number): GapRecord | null {
  const expectedSeq = highestSeq === null ? 0 : highestSeq + 1;
  return seq > expectedSeq ? { expectedSeq, receivedSeq: seq, receivedAt } : null;
}
