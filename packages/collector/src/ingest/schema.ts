// The batch as docs/protocol.md describes it, for Fastify's validator (no
// type coercion: "5" is not a sequence number). Unknown fields are allowed:
// the protocol adds optional fields without a version change.
import { PROTOCOL_VERSION, type RecordedEvent, type RecordingBatch } from '@veil/core/engine';

/** A request body that passed {@link batchSchema}. */
export interface IngestBatch extends Omit<RecordingBatch, 'dropped' | 'events'> {
  events: RecordedEvent[];
  /** Either count may be missing: a client that dropped nothing need not say so. */
  dropped?: { batches?: number; events?: number };
}

/** The last millisecond a JavaScript Date can hold (year 275760): a timestamp past it breaks every date shown. */
export const MAX_TIMESTAMP = 8.64e15;

/**
 * How deeply a batch's JSON may nest. A page's serialized DOM takes two levels
 * per element (the node and its childNodes), and browsers' HTML parsers stop
 * nesting elements at 512: 2,000 leaves room for script-built trees, while
 * thousands of levels would overflow the stack of whatever walks the batch.
 */
export const MAX_NESTING = 2000;

// No control characters (a NUL cannot be stored in PostgreSQL text).
const PRINTABLE = '^[^\\u0000-\\u001f\\u007f]+$';

export const batchSchema = {
  type: 'object',
  required: ['v', 'sessionId', 'seq', 'events'],
  properties: {
    v: { type: 'integer', const: PROTOCOL_VERSION },
    sessionId: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[\\x21-\\x7e]+$' },
    seq: { type: 'integer', minimum: 0, maximum: 2147483647 },
    siteKey: { type: 'string', maxLength: 256 },
    visitorId: { type: 'string', minLength: 1, maxLength: 128, pattern: PRINTABLE },
    dropped: {
      type: 'object',
      properties: {
        batches: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
        events: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
      },
    },
    events: {
      type: 'array',
      maxItems: 100000,
      items: {
        type: 'object',
        required: ['type', 'timestamp'],
        // milliseconds since the epoch, as Date.now() gives them
        properties: { type: { type: 'integer' }, timestamp: { type: 'integer', minimum: 0, maximum: MAX_TIMESTAMP } },
      },
    },
  },
} as const;

/**
 * True when `value` nests deeper than `limit` arrays and objects. Walked
 * with a list, not by recursion: the point is not to overflow the stack.
 */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const pending: [unknown, number][] = [[value, 1]];
  while (pending.length) {
    const [item, depth] = pending.pop()!;
    if (item === null || typeof item !== 'object') continue;
    if (depth > limit) return true;
    for (const child of Array.isArray(item) ? item : Object.values(item)) {
      if (child !== null && typeof child === 'object') pending.push([child, depth + 1]);
    }
  }
  return false;
}

/**
 * Why a parsed body is of another protocol version, or null. Asked before
 * schema validation: a batch of another version may not match this schema at
 * all, and its sender needs to hear about the version, not a field.
 */
export function unknownVersion(body: unknown): string | null {
  if (!body || typeof body !== 'object') return null;
  const v = (body as { v?: unknown }).v;
  if (v === undefined || v === PROTOCOL_VERSION) return null;
  return `unknown protocol version ${JSON.stringify(v)}: this collector speaks version ${PROTOCOL_VERSION}`;
}
