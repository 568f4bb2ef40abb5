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

export const batchSchema = {
  type: 'object',
  required: ['v', 'sessionId', 'seq', 'events'],
  properties: {
    v: { type: 'integer', const: PROTOCOL_VERSION },
    sessionId: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[\\x21-\\x7e]+$' },
    seq: { type: 'integer', minimum: 0, maximum: 2147483647 },
    siteKey: { type: 'string', maxLength: 256 },
    visitorId: { type: 'string', minLength: 1, maxLength: 128 },
    dropped: {
      type: 'object',
      properties: {
        batches: { type: 'integer', minimum: 0 },
        events: { type: 'integer', minimum: 0 },
      },
    },
    events: {
      type: 'array',
      maxItems: 100000,
      items: {
        type: 'object',
        required: ['type', 'timestamp'],
        properties: { type: { type: 'integer' }, timestamp: { type: 'number' } },
      },
    },
  },
} as const;

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
