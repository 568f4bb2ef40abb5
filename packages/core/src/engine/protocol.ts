// What travels from the page to a collector: rrweb's event numbers, Veil's own
// custom events, and the batch that wraps them (docs/protocol.md is the
// contract in prose). Every hop (recorder, scrubber, collector, demos, tests)
// names the numbers through these tables instead of writing them again.
// The tables are marked pure: a bundle that reads none of a table ships none of it.

/** Version of the batch format; a collector refuses others. */
export const PROTOCOL_VERSION = 1;

/** rrweb's event types (the `type` of a {@link RecordedEvent}). */
export const EventType = /* @__PURE__ */ Object.freeze({
  DomContentLoaded: 0,
  Load: 1,
  FullSnapshot: 2,
  IncrementalSnapshot: 3,
  Meta: 4,
  Custom: 5,
  Plugin: 6,
} as const);

/** What an incremental snapshot event (`EventType.IncrementalSnapshot`) reports: its `data.source`. */
export const IncrementalSource = /* @__PURE__ */ Object.freeze({
  Mutation: 0,
  MouseMove: 1,
  MouseInteraction: 2,
  Scroll: 3,
  ViewportResize: 4,
  Input: 5,
  TouchMove: 6,
  MediaInteraction: 7,
  StyleSheetRule: 8,
  CanvasMutation: 9,
  Font: 10,
  Log: 11,
  Drag: 12,
  StyleDeclaration: 13,
  Selection: 14,
  AdoptedStyleSheet: 15,
  CustomElement: 16,
} as const);

/** Kinds of serialized node in a full snapshot or an added subtree (rrweb's `NodeType`). */
export const SerializedNodeType = /* @__PURE__ */ Object.freeze({
  Document: 0,
  DocumentType: 1,
  Element: 2,
  Text: 3,
  CDATA: 4,
  Comment: 5,
} as const);

/** Mouse interactions (`data.type` of an `IncrementalSource.MouseInteraction` event). */
export const MouseInteraction = /* @__PURE__ */ Object.freeze({
  MouseUp: 0,
  MouseDown: 1,
  Click: 2,
  ContextMenu: 3,
  DblClick: 4,
  Focus: 5,
  Blur: 6,
  TouchStart: 7,
  TouchEnd: 9,
  TouchCancel: 10,
} as const);

/** Sources of incremental events that a visitor causes (mouse, scroll, input, touch, drag, selection): what counts as activity. */
export const VISITOR_SOURCES: ReadonlySet<number> = /* @__PURE__ */ new Set([
  IncrementalSource.MouseMove,
  IncrementalSource.MouseInteraction,
  IncrementalSource.Scroll,
  IncrementalSource.Input,
  IncrementalSource.TouchMove,
  IncrementalSource.Drag,
  IncrementalSource.Selection,
]);

/** Tags of Veil's own custom events start with this; the scrubber drops every other custom event. */
export const CUSTOM_EVENT_PREFIX = 'veil.';

/** The custom event a single-page navigation records (`data.payload.href`, scrubbed). */
export const NAVIGATION_EVENT = `${CUSTOM_EVENT_PREFIX}navigation`;

/**
 * One recorded event, in the replay format Veil sends. `type` and `data`
 * follow rrweb's event schema, so rrweb's player can replay a recording.
 */
export interface RecordedEvent {
  type: number;
  timestamp: number;
  data: unknown;
  [extra: string]: unknown;
}

/** The unit a transport receives: every event of one session, in order, split into numbered batches. */
export interface RecordingBatch {
  /** Wire format version ({@link PROTOCOL_VERSION}); see docs/protocol.md. */
  v: typeof PROTOCOL_VERSION;
  /** Random id of the recording session. */
  sessionId: string;
  /** 0 for the first batch of a session, then +1 for each batch. */
  seq: number;
  /** Events in the order they were recorded, already scrubbed. */
  events: RecordedEvent[];
  /** The site's ingest key, added by the URL transport. */
  siteKey?: string;
  /** Batches (and their events) the URL transport had to drop since the last batch it delivered. */
  dropped?: { batches: number; events: number };
  /** The site's own opaque id for the visitor, when it gave one: lets a collector delete one visitor's sessions. */
  visitorId?: string;
}

/**
 * True for the event that opens a page's recording in a replayer: a meta
 * event, or a full snapshot that no meta event announced. `previousType` is
 * the type of the event before it, if any.
 *
 * @example
 * if (opensRecording(event, lastType)) replayer = new Replayer([event]);
 */
export function opensRecording(event: { type: number }, previousType?: number | null): boolean {
  return event.type === EventType.Meta || (event.type === EventType.FullSnapshot && previousType !== EventType.Meta);
}
