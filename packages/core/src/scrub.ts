// The last line of defence: every event passes through here before it can
// reach a transport. The scrubber keeps its own map of the recorded tree
// (node id -> parent and the attributes that classify it), built only from
// the events it has passed, so it decides each text, attribute, input and
// added subtree itself instead of trusting the capture layer's masking.
import {
  BLOCK,
  CLASSIFYING_ATTRIBUTES,
  FIELD_TAGS,
  PLAIN_FIELD,
  ROOT_CONTEXT,
  SENSITIVE_FIELD,
  blockedAttributes,
  combine,
  modeLevel,
  ownFacts,
  raise,
  scrubAttributes,
  scrubText,
  scrubValue,
  tagFacts,
  textMasked,
  valueMasked,
  type Context,
  type ModeLevel,
  type OwnFacts,
  type Region,
} from './classify';
import { maskPersonalData } from './detect';
import { scrubCss, scrubUrl } from './url';
import type { PrivacyMode, RecordedEvent } from './types';

/** Facts the live page knows about a recorded element and the serialized form cannot show. */
export interface ElementHint {
  /** A mark from a configured or run-time selector. */
  mark?: Region;
  /** The element was a password field at some point of its life. */
  sensitive?: boolean;
  /** For a shadow host: the protection its default slot gives the text put directly in it. */
  text?: Region;
}

export interface ScrubberOptions {
  privacy?: PrivacyMode;
  /**
   * Asked once per element (`tag` in lower case) as it enters the recording
   * and when its attributes change; `slotted` when its parent is a shadow host,
   * which shows it in a slot, and when it turns out to be a host itself.
   */
  elementHint?: (id: number, tag: string, slotted: boolean) => ElementHint | undefined;
  /** Told, as they enter the recording, of a shadow host and of a frame's document. */
  nestedTree?: (id: number) => void;
}

/** Scrubs a stream of recorded events, keeping what it needs between them. */
export interface Scrubber {
  /** The event to send (scrubbed in place), or `null` when nothing of it may be sent. */
  scrub(event: RecordedEvent): RecordedEvent | null;
  /** True once an event raised a region's protection after it was recorded: a fresh full snapshot re-evaluates it. */
  takeCheckoutRequest(): boolean;
  /**
   * Tells the scrubber a recorded element's classifying attributes changed
   * when no event will say so: rrweb does not report the attribute that
   * turns an element into a blocked one. `askAgain` asks for the element's
   * hint again even when none of them changed (configured selectors can
   * depend on any attribute).
   */
  noteAttributes(id: number, attributes: Record<string, string | null>, askAgain?: boolean): void;
  /**
   * Tells the scrubber a recorded node moved under another recorded node, or
   * (`null`) left the page or went somewhere it does not know, before rrweb
   * reports it: until rrweb does, events about the node are judged in its new
   * place, or not sent at all.
   */
  noteParent(id: number, parentId: number | null): void;
  /**
   * Tells the scrubber a recorded element just got a shadow root, before
   * rrweb reports what fills it: its light-DOM children show in slots now.
   */
  noteHost(id: number): void;
}

// rrweb's wire vocabulary, named here so the rules read plainly.
const EVENT_DOM_LOADED = 0;
const EVENT_LOAD = 1;
const EVENT_FULL_SNAPSHOT = 2;
const EVENT_INCREMENTAL = 3;
const EVENT_META = 4;
const EVENT_CUSTOM = 5;

const NODE_DOCUMENT = 0;
const NODE_DOCTYPE = 1;
const NODE_ELEMENT = 2;

const SOURCE_MUTATION = 0;
const SOURCE_MOUSE_MOVE = 1;
const SOURCE_MOUSE_INTERACTION = 2;
const SOURCE_SCROLL = 3;
const SOURCE_VIEWPORT_RESIZE = 4;
const SOURCE_INPUT = 5;
const SOURCE_TOUCH_MOVE = 6;
const SOURCE_MEDIA_INTERACTION = 7;
const SOURCE_STYLE_SHEET_RULE = 8;
const SOURCE_DRAG = 12;
const SOURCE_STYLE_DECLARATION = 13;
const SOURCE_SELECTION = 14;
const SOURCE_ADOPTED_STYLE_SHEET = 15;
const SOURCE_CUSTOM_ELEMENT = 16;

const CLASSIFYING = CLASSIFYING_ATTRIBUTES;
/** The only ones that matter for elements other than form controls (FIELD_TAGS) and meta. */
const REGION_CLASSIFYING = ['data-veil', 'class', 'contenteditable'] as const;

/**
 * The value of a classifying attribute worth keeping. A class classifies only
 * with a `veil-` marker in it: most elements have classes and no marker, and
 * so share the empty record, and a class change without one changes nothing.
 */
function classifying(name: string, value: unknown): string | undefined {
  return typeof value === 'string' && (name !== 'class' || value.includes('veil-')) ? value : undefined;
}

/** Shared by every element without classifying attributes; never written to. */
const NO_ATTRIBUTES: Record<string, string> = Object.freeze({}) as Record<string, string>;

interface ElementRecord {
  parent: number;
  tag: string;
  /** The classifying attributes. */
  attrs: Record<string, string>;
  own: OwnFacts;
  /** Once sensitive, always sensitive (a password shown as text is still a password). */
  sensitive?: boolean;
  /** Named to `nestedTree` as a shadow host already. */
  host?: boolean;
}

/** An element, or for text, comments and documents (most recorded nodes) just the parent's id. */
type NodeRecord = ElementRecord | number;

const parentOf = (rec: NodeRecord): number => (typeof rec === 'number' ? rec : rec.parent);

type Serialized = {
  type: number;
  id: number;
  tagName?: string;
  attributes?: Record<string, unknown>;
  childNodes?: Serialized[];
  textContent?: string;
  [k: string]: unknown;
};

const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null;

export const CUSTOM_EVENT_PREFIX = 'veil.';

/**
 * Creates a scrubber for one recording. Without `elementHint` it needs no DOM
 * (a collector can run it over what it receives).
 *
 * @example
 * const scrubber = createScrubber({ privacy: 'relaxed' });
 * const safe = events.map((e) => scrubber.scrub(e)).filter(Boolean);
 */
export function createScrubber(options: ScrubberOptions = {}): Scrubber {
  const mode: ModeLevel = modeLevel(options.privacy ?? 'strict');
  const hintFor = options.elementHint;
  const nestedTree = options.nestedTree;
  const nodes = new Map<number, NodeRecord>();
  // Contexts are memoised per event, and forgotten within one when the tree
  // or a classification changes: a few ids out of tens of thousands, so a Map.
  let memo = new Map<number, Context | null>();
  const forgetContexts = () => {
    if (memo.size) memo = new Map();
  };
  let checkoutWanted = false;
  // while admitting a full snapshot: every context is passed down the walk, none needs remembering
  let inFullSnapshot = false;

  function hostRecord(id: number): ElementRecord | undefined {
    const rec = nodes.get(id);
    return typeof rec === 'object' && rec.host ? rec : undefined;
  }

  // What a host shows in its slots depends on the slot that shows it, which
  // the page can move or re-mark at any time: the live page is asked afresh
  // for each event about a host's light-DOM children.

  /** Text right under a host shows in its default slot. */
  function textContext(parent: number, ctx: Context): Context {
    const host = hostRecord(parent);
    return host ? raise(ctx, hintFor?.(parent, host.tag, true)?.text ?? 0) : ctx;
  }

  function ownNow(id: number, rec: ElementRecord): OwnFacts {
    if (hostRecord(rec.parent)) {
      const mark = rec.own.mark;
      rec.own = facts(id, rec);
      if (rec.own.mark > mark) checkoutWanted = true;
    }
    return rec.own;
  }

  function facts(id: number, rec: ElementRecord): OwnFacts {
    const attrs = rec.attrs;
    // most elements have no classifying attribute and share their tag's facts
    let own = attrs === NO_ATTRIBUTES ? tagFacts(rec.tag, mode) : ownFacts(rec.tag, (n) => attrs[n], mode);
    const hint = hintFor?.(id, rec.tag, !!hostRecord(rec.parent));
    if (hint?.mark !== undefined && hint.mark > own.mark) own = { ...own, mark: hint.mark };
    if (own.field === SENSITIVE_FIELD && rec.tag === 'input') rec.sensitive = true;
    if ((hint?.sensitive || rec.sensitive) && own.field !== SENSITIVE_FIELD) own = { ...own, field: SENSITIVE_FIELD };
    return own;
  }

  /**
   * The attributes `ownFacts` reads for this tag: form controls and meta
   * elements are judged by their names, ids, types and autocomplete; any
   * other element only by its marks and contenteditable. Most elements have
   * none of those and share one empty record, copied on the first change.
   */
  function classifyingAttrs(attributes: Record<string, unknown>, tag: string): Record<string, string> {
    let out: Record<string, string> | undefined;
    for (const n of FIELD_TAGS.has(tag) || tag === 'meta' ? CLASSIFYING : REGION_CLASSIFYING) {
      const v = classifying(n, attributes[n]);
      if (v !== undefined) (out ??= {})[n] = v;
    }
    // rrweb serializes an element it blocked as its class and size only, its
    // mark gone: without one here, the page's next report of the element's
    // attributes would look like a new block and ask for a fresh snapshot
    if (attributes.rr_width !== undefined) (out ??= {})['data-veil'] = 'block';
    return out ?? NO_ATTRIBUTES;
  }

  /** The context of a recorded node, or null when it (or an ancestor) is not in the recording. */
  function contextOf(id: number): Context | null {
    const cached = memo.get(id);
    if (cached !== undefined) return cached;
    const rec = nodes.get(id);
    let ctx: Context | null = null;
    if (rec !== undefined) {
      const parent = parentOf(rec);
      const parentCtx = parent === -1 ? ROOT_CONTEXT : contextOf(parent);
      if (parentCtx) ctx = typeof rec === 'number' ? textContext(parent, parentCtx) : combine(parentCtx, ownNow(id, rec));
    }
    memo.set(id, ctx);
    return ctx;
  }

  /** Whether events about this node may be sent: it is recorded and not inside a blocked region. */
  function visible(id: unknown): boolean {
    if (typeof id !== 'number') return false;
    const rec = nodes.get(id);
    if (rec === undefined) return false;
    const parent = parentOf(rec);
    const parentCtx = parent === -1 ? ROOT_CONTEXT : contextOf(parent);
    return parentCtx !== null && parentCtx.region !== BLOCK && contextOf(id) !== null;
  }

  /**
   * Registers and scrubs a serialized subtree under `parentId`; false when it
   * must not be sent at all. `textCtx` is the context of text right under the
   * parent, unless it is in the parent's shadow root (worked out here when not given).
   */
  function admit(node: Serialized, parentId: number, parentCtx: Context, textCtx?: Context): boolean {
    if (!isObject(node) || typeof node.id !== 'number') return false;
    const id = node.id;
    if (node.isShadow === true) becomesHost(parentId);
    const previous = nodes.get(id);
    // a node admitted again (moved, or an id seen before) changes the way up for what it holds
    if (previous !== undefined) forgetContexts();
    if (node.type === NODE_ELEMENT) {
      const attributes = isObject(node.attributes) ? node.attributes : (node.attributes = {});
      const tag = String(node.tagName ?? '').toLowerCase();
      const rec = { parent: parentId, tag, attrs: classifyingAttrs(attributes, tag) } as ElementRecord;
      if (typeof previous === 'object' && previous.sensitive) rec.sensitive = true;
      rec.own = facts(id, rec);
      nodes.set(id, rec);
      const ctx = combine(parentCtx, rec.own);
      if (!inFullSnapshot) memo.set(id, ctx);
      if (ctx.region === BLOCK) {
        node.attributes = blockedAttributes(attributes);
        node.childNodes = [];
        return true;
      }
      scrubAttributes(tag, attributes, ctx, mode);
      admitChildren(node, id, ctx);
      return true;
    }
    nodes.set(id, parentId);
    const ctx = node.isShadow === true ? parentCtx : (textCtx ?? textContext(parentId, parentCtx));
    if (!inFullSnapshot) memo.set(id, ctx);
    if (node.type === NODE_DOCUMENT) {
      // a frame's document, recorded under the frame
      if (parentId !== -1) nestedTree?.(id);
      admitChildren(node, id, parentCtx);
    } else if (node.type !== NODE_DOCTYPE) {
      // text, CDATA and comments
      node.textContent = typeof node.textContent === 'string' ? scrubText(node.textContent, ctx, mode) : '';
    }
    return true;
  }

  /**
   * rrweb records a shadow root's children under its host, flagged. A host is
   * named to `nestedTree` once, and known as one before its light children
   * (which rrweb lists first) are judged.
   */
  function becomesHost(id: number): void {
    const rec = nodes.get(id);
    if (typeof rec !== 'object' || rec.host) return;
    rec.host = true;
    // its light-DOM children are judged by their slots from now on
    forgetContexts();
    nestedTree?.(id);
  }

  function admitChildren(node: Serialized, id: number, ctx: Context): void {
    if (!Array.isArray(node.childNodes)) {
      node.childNodes = [];
      return;
    }
    // in place: a full snapshot has thousands of child lists, and copies are garbage
    const children = node.childNodes;
    // rrweb lists a host's shadow children after its light ones
    const last = children[children.length - 1];
    let textCtx = ctx;
    if (isObject(last) && last.isShadow === true) {
      becomesHost(id);
      textCtx = textContext(id, ctx);
    }
    let kept = 0;
    for (const child of children) if (admit(child, id, ctx, textCtx)) children[kept++] = child;
    children.length = kept;
  }

  function scrubFullSnapshot(data: Record<string, any>): boolean {
    nodes.clear();
    forgetContexts();
    if (!isObject(data.node)) return false;
    inFullSnapshot = true;
    try {
      return admit(data.node as Serialized, -1, ROOT_CONTEXT);
    } finally {
      inFullSnapshot = false;
    }
  }

  /** `hideText`: page text is masked where the style belongs, so the text CSS shows is too. */
  function scrubStyleValue(value: unknown, hideText: boolean): unknown {
    if (typeof value === 'string') return scrubCss(maskPersonalData(value), hideText);
    if (Array.isArray(value)) return value.map((v) => scrubStyleValue(v, hideText));
    if (isObject(value)) {
      for (const k of Object.keys(value)) value[k] = scrubStyleValue(value[k], hideText);
    }
    return value;
  }

  /** `askAgain`: the hint may have changed whatever the attributes say (configured selectors can match anything). */
  function reclassify(id: number, attributes: Record<string, unknown>, askAgain?: boolean): void {
    const rec = nodes.get(id);
    if (typeof rec !== 'object') return;
    // only a change that can alter the element's facts costs the contexts worked out so far
    let touched = !!askAgain;
    for (const n of FIELD_TAGS.has(rec.tag) || rec.tag === 'meta' ? CLASSIFYING : REGION_CLASSIFYING) {
      if (!(n in attributes)) continue;
      const now = classifying(n, attributes[n]);
      if (rec.attrs[n] === now) continue;
      if (rec.attrs === NO_ATTRIBUTES) rec.attrs = {};
      if (now === undefined) delete rec.attrs[n];
      else rec.attrs[n] = now;
      touched = true;
    }
    if (touched) {
      const before = rec.own;
      rec.own = facts(id, rec);
      if (rec.own.mark !== before.mark) checkoutWanted = true;
      forgetContexts();
    }
  }

  function scrubMutation(data: Record<string, any>): boolean {
    const attributeChanges: any[] = Array.isArray(data.attributes) ? data.attributes : [];
    // Classification first: rrweb reports final attribute values, and text or
    // nodes added in the same batch already live under them.
    for (const change of attributeChanges) {
      if (isObject(change) && isObject(change.attributes)) reclassify(change.id, change.attributes);
    }

    // Each removal is judged where the node was before this batch; the
    // contexts worked out for that stay good until the last of them.
    const removes = Array.isArray(data.removes) ? data.removes : [];
    data.removes = removes.filter((r: any) => isObject(r) && visible(r.parentId) && contextOf(r.parentId)?.region !== BLOCK);
    let removed = false;
    for (const r of data.removes) if (nodes.delete(r.id)) removed = true;
    if (removed) forgetContexts();

    let pending: any[] = Array.isArray(data.adds) ? data.adds.filter(isObject) : [];
    const admitted = new Set<any>();
    // an add can name a parent that is itself added later in the same batch
    for (let progress = true; progress && pending.length; ) {
      progress = false;
      const next: any[] = [];
      for (const add of pending) {
        const parentCtx = nodes.has(add.parentId) ? contextOf(add.parentId) : null;
        if (!parentCtx) {
          next.push(add);
          continue;
        }
        progress = true;
        if (parentCtx.region !== BLOCK && admit(add.node, add.parentId, parentCtx)) admitted.add(add);
      }
      pending = next;
    }
    data.adds = (Array.isArray(data.adds) ? data.adds : []).filter((a: any) => admitted.has(a));

    const texts = Array.isArray(data.texts) ? data.texts : [];
    data.texts = texts.filter((t: any) => {
      if (!isObject(t) || !visible(t.id)) return false;
      const ctx = contextOf(t.id)!;
      if (typeof t.value === 'string') t.value = scrubText(t.value, ctx, mode);
      return true;
    });

    data.attributes = attributeChanges.filter((change: any) => {
      if (!isObject(change) || !isObject(change.attributes) || !visible(change.id)) return false;
      const rec = nodes.get(change.id);
      if (typeof rec !== 'object') return false;
      const ctx = contextOf(change.id)!;
      if (ctx.region === BLOCK) {
        // the element itself is the blocked box: only its size and classes may change
        change.attributes = blockedAttributes(change.attributes);
        return Object.keys(change.attributes).length > 0;
      }
      const attrs = change.attributes;
      const styleObject = isObject(attrs.style) ? attrs.style : undefined;
      if (styleObject) delete attrs.style;
      const nulls = Object.keys(attrs).filter((k) => attrs[k] === null);
      for (const k of nulls) delete attrs[k];
      // meta content is judged by the element's name, which the change may not carry
      const scratch: Record<string, unknown> = rec.tag === 'meta' ? { ...rec.attrs, ...attrs } : attrs;
      scrubAttributes(rec.tag, scratch, ctx, mode);
      if (scratch !== attrs) for (const k of Object.keys(attrs)) attrs[k] = scratch[k];
      for (const k of Object.keys(attrs)) if (!(k in scratch)) delete attrs[k];
      for (const k of nulls) attrs[k] = null;
      if (styleObject) attrs.style = scrubStyleValue(styleObject, textMasked(ctx.region, mode));
      return Object.keys(attrs).length > 0;
    });

    return data.adds.length + data.removes.length + data.texts.length + data.attributes.length > 0;
  }

  function scrubInput(data: Record<string, any>): boolean {
    if (!visible(data.id)) return false;
    const ctx = contextOf(data.id)!;
    if (ctx.region === BLOCK) return false;
    const kind = ctx.field || PLAIN_FIELD;
    if (typeof data.text === 'string') data.text = scrubValue(data.text, kind, ctx.region, mode);
    if (data.isChecked && (kind === SENSITIVE_FIELD || valueMasked(kind, ctx.region, mode))) data.isChecked = false;
    return true;
  }

  function scrubIncremental(data: Record<string, any>): boolean {
    switch (data.source) {
      case SOURCE_MUTATION:
        return scrubMutation(data);
      case SOURCE_INPUT:
        return scrubInput(data);
      case SOURCE_MOUSE_MOVE:
      case SOURCE_TOUCH_MOVE:
      case SOURCE_DRAG:
        if (!Array.isArray(data.positions)) return false;
        for (const p of data.positions) if (isObject(p) && !visible(p.id)) p.id = -1;
        return true;
      case SOURCE_MOUSE_INTERACTION:
      case SOURCE_SCROLL:
      case SOURCE_MEDIA_INTERACTION:
        return visible(data.id);
      case SOURCE_VIEWPORT_RESIZE:
      case SOURCE_CUSTOM_ELEMENT:
        return true;
      case SOURCE_SELECTION:
        if (!Array.isArray(data.ranges)) return false;
        data.ranges = data.ranges.filter((r: any) => isObject(r) && visible(r.start) && visible(r.end));
        return data.ranges.length > 0;
      case SOURCE_STYLE_SHEET_RULE:
      case SOURCE_STYLE_DECLARATION:
      case SOURCE_ADOPTED_STYLE_SHEET: {
        if (data.id !== undefined && !visible(data.id)) return false;
        // a <style> element's rules belong to its region; adopted sheets to none
        const hideText = textMasked(data.id === undefined ? 0 : contextOf(data.id)!.region, mode);
        for (const k of Object.keys(data)) if (k !== 'source' && k !== 'id' && k !== 'styleId') data[k] = scrubStyleValue(data[k], hideText);
        return true;
      }
      default:
        // canvas, fonts, console logs, and anything newer than this scrubber: never sent
        return false;
    }
  }

  function scrubCustom(data: Record<string, any>): boolean {
    if (typeof data.tag !== 'string' || !data.tag.startsWith(CUSTOM_EVENT_PREFIX)) return false;
    const clean = (v: unknown): unknown => {
      if (typeof v === 'string') return maskPersonalData(scrubUrl(v));
      if (Array.isArray(v)) return v.map(clean);
      if (isObject(v)) {
        for (const k of Object.keys(v)) v[k] = clean(v[k]);
      }
      return v;
    };
    data.payload = clean(data.payload);
    return true;
  }

  return {
    scrub(event) {
      if (!isObject(event) || !isObject(event.data) && event.type !== EVENT_DOM_LOADED && event.type !== EVENT_LOAD) return null;
      const data = event.data as Record<string, any>;
      let keep: boolean;
      switch (event.type) {
        case EVENT_DOM_LOADED:
        case EVENT_LOAD:
          keep = true;
          break;
        case EVENT_FULL_SNAPSHOT:
          keep = scrubFullSnapshot(data);
          break;
        case EVENT_INCREMENTAL:
          forgetContexts();
          keep = scrubIncremental(data);
          break;
        case EVENT_META:
          if (typeof data.href === 'string') data.href = scrubUrl(data.href);
          keep = true;
          break;
        case EVENT_CUSTOM:
          keep = scrubCustom(data);
          break;
        default:
          keep = false;
      }
      return keep ? event : null;
    },
    noteAttributes: reclassify,
    noteHost: becomesHost,
    noteParent(id, parentId) {
      const rec = nodes.get(id);
      if (rec === undefined) return;
      // -2 is no node: contexts under it are null, so nothing about it is sent
      const parent = parentId !== null && nodes.has(parentId) ? parentId : -2;
      if (parent === parentOf(rec)) return;
      if (typeof rec === 'number') nodes.set(id, parent);
      else rec.parent = parent;
      forgetContexts();
    },
    takeCheckoutRequest() {
      const wanted = checkoutWanted;
      checkoutWanted = false;
      return wanted;
    },
  };
}
