// The CPU-heavy part of ingest, in one place so that it runs the same on the
// main thread (ingestWorkers: 0) and in each worker of the pool
// (ingest-worker.ts): parse and validate a body, scrub its events with the
// session's scrubber, summarize and encode the blob. It never touches
// storage: the caller (recordings.ts) holds the session lock, asks storage,
// and tells the engine what happened.
//
// A batch goes through it in three calls:
//   decode   the inflated body is parsed and validated; its events are parked
//            here under a ticket, only the envelope goes back
//   scrub    the parked events are scrubbed with the cached scrubber, or the
//            answer is "needs a rebuild" (the cached one stays) until the
//            caller sends the stored blobs to rebuild from
//   finish   the ticket is let go; the new scrubber goes into the cache only if
//            the caller stored the batch
import { isMainThread } from 'node:worker_threads';
import Ajv from 'ajv';
import type { PrivacyMode, RecordedEvent } from '@veil/core/engine';
import { encodeBlobSized } from './blob';
import { ScrubberCache, type CachedScrubber } from './scrubber-cache';
import { needsRebuild, scrubEvents, scrubberFor } from './scrubbing';
import { sessionKey } from './session-lock';
import { summarize, type BatchSummary } from './summary';
import { MAX_NESTING, batchSchema, nestsDeeperThan, unknownVersion, type IngestBatch } from '../ingest/schema';

export interface EngineOptions {
  maxCachedSessions?: number;
  maxCachedBytes?: number;
}

/** What the main thread needs of a decoded batch; the events stay with the engine. */
export interface BatchEnvelope {
  ticket: number;
  siteKey?: string;
  sessionId: string;
  seq: number;
  visitorId?: string;
  dropped?: { batches?: number; events?: number };
}

export type DecodeOutcome = ({ ok: true } & BatchEnvelope) | { ok: false; status: number; message: string };

export interface ScrubRequest {
  ticket: number;
  siteId: number;
  privacy: PrivacyMode;
  recordInputs: boolean;
  sessionId: string;
  seq: number;
  /** The stored blobs to rebuild the scrubber from, when an earlier call answered needsRebuild. */
  rebuildFrom?: Uint8Array[];
}

export type ScrubOutcome =
  { needsRebuild: true } | { needsRebuild: false; blob: Uint8Array; eventCount: number; summary: BatchSummary; jsonBytes: number };

export interface FinishRequest {
  ticket: number;
  siteId: number;
  sessionId: string;
  /** True when the batch scrubbed under this ticket was written. */
  stored: boolean;
}

export interface EngineStats {
  cachedScrubbers: number;
  cachedScrubberBytes: number;
  /** The budget of cachedScrubberBytes (the process's total with workers: each keeps its share). */
  cachedScrubberBytesLimit: number;
  parkedBatches: number;
  /** Batches scrubbed where the event loop answers logins and /healthz (ingestWorkers: 0). */
  scrubbedOnMainThread: number;
  scrubbedInWorkers: number;
}

// Fastify's own validator options for the route (no coercion, nothing added or removed).
const ajv = new Ajv({ coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: false });
const validateBatch = ajv.compile(batchSchema);

export class BatchEngine {
  private readonly scrubbers: ScrubberCache;
  private readonly parked = new Map<number, RecordedEvent[]>();
  /** Scrubbers that consumed a batch not yet known to be stored, by session. */
  private readonly unconfirmed = new Map<string, CachedScrubber>();
  private nextTicket = 1;
  private scrubbed = 0;

  constructor(options: EngineOptions = {}) {
    this.scrubbers = new ScrubberCache(options.maxCachedSessions, options.maxCachedBytes);
  }

  /** Parses and validates an inflated body, with the refusals the route answered before the pool. */
  decode(json: Uint8Array): DecodeOutcome {
    let body: unknown;
    try {
      body = JSON.parse(Buffer.from(json.buffer, json.byteOffset, json.byteLength).toString('utf8'));
    } catch (error) {
      return { ok: false, status: 400, message: `the body is not valid JSON: ${(error as Error).message}` };
    }
    const refusal = unknownVersion(body);
    if (refusal) return { ok: false, status: 400, message: refusal };
    const sessionId = (body as { sessionId?: unknown } | null)?.sessionId;
    if (sessionId === '.' || sessionId === '..') {
      // a dot segment: no URL of the viewer could name the session
      return {
        ok: false,
        status: 400,
        message: `invalid batch: sessionId ${JSON.stringify(sessionId)} is refused; use another id (@veil/core makes random ones)`,
      };
    }
    if (nestsDeeperThan(body, MAX_NESTING)) {
      return { ok: false, status: 400, message: `invalid batch: it nests deeper than ${MAX_NESTING} levels of arrays and objects` };
    }
    if (!validateBatch(body)) {
      // worded as Fastify's validator worded it when the route validated the body
      const detail = (validateBatch.errors ?? []).map((error) => `body${error.instancePath} ${error.message}`).join(', ');
      return { ok: false, status: 400, message: `invalid batch: ${detail.replace(/^body\/?/, '')}` };
    }
    const batch = body as IngestBatch;
    return { ok: true, ...this.park(batch.events), ...envelopeOf(batch) };
  }

  /** Holds events that did not come through decode (a caller that built the batch itself). */
  park(events: RecordedEvent[]): { ticket: number } {
    const ticket = this.nextTicket++;
    this.parked.set(ticket, events);
    return { ticket };
  }

  async scrub(request: ScrubRequest): Promise<ScrubOutcome> {
    const events = this.parked.get(request.ticket);
    if (!events) throw new Error(`no batch parked under ticket ${request.ticket}`);
    const cached = this.scrubbers.take(request.siteId, request.sessionId);
    const target = { ...request, events };
    const rebuild = needsRebuild(cached, target);
    if (rebuild && !request.rebuildFrom) {
      if (cached) this.scrubbers.keep(request.siteId, request.sessionId, cached);
      return { needsRebuild: true };
    }
    this.parked.delete(request.ticket);
    const session = await scrubberFor(cached, target, request.rebuildFrom ?? []);
    const kept = scrubEvents(session.scrubber, events);
    this.scrubbed++;
    const summary = summarize(kept);
    const { blob, jsonBytes } = await encodeBlobSized(kept);
    this.unconfirmed.set(sessionKey(request.siteId, request.sessionId), {
      ...session,
      lastSeq: request.seq,
      jsonBytes: summary.hasFullSnapshot ? jsonBytes : session.jsonBytes + jsonBytes,
    });
    return { needsRebuild: false, blob, eventCount: kept.length, summary, jsonBytes };
  }

  finish(request: FinishRequest): void {
    this.parked.delete(request.ticket);
    const key = sessionKey(request.siteId, request.sessionId);
    const scrubbed = this.unconfirmed.get(key);
    if (!scrubbed) return;
    this.unconfirmed.delete(key);
    // a scrubber that consumed a batch that was not stored is dropped: the next batch rebuilds
    if (request.stored) this.scrubbers.keep(request.siteId, request.sessionId, scrubbed);
  }

  forget(siteId: number, sessionId: string): void {
    this.scrubbers.forget(siteId, sessionId);
  }

  forgetSite(siteId: number): void {
    this.scrubbers.forgetSite(siteId);
  }

  clear(): void {
    this.scrubbers.clear();
  }

  stats(): EngineStats {
    return {
      cachedScrubbers: this.scrubbers.size,
      cachedScrubberBytes: this.scrubbers.bytes,
      cachedScrubberBytesLimit: this.scrubbers.bytesLimit,
      parkedBatches: this.parked.size,
      scrubbedOnMainThread: isMainThread ? this.scrubbed : 0,
      scrubbedInWorkers: isMainThread ? 0 : this.scrubbed,
    };
  }
}

function envelopeOf(batch: IngestBatch): Omit<BatchEnvelope, 'ticket'> {
  return {
    sessionId: batch.sessionId,
    seq: batch.seq,
    ...(batch.siteKey !== undefined ? { siteKey: batch.siteKey } : {}),
    ...(batch.visitorId !== undefined ? { visitorId: batch.visitorId } : {}),
    ...(batch.dropped !== undefined ? { dropped: batch.dropped } : {}),
  };
}
