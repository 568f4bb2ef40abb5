// The scrubber's own picture of the recorded page: node id -> parent and the
// attributes that classify it, built only from the events it has let through.
// From it, the context of any recorded node (its region, the field it belongs
// to …) is worked out without asking the DOM and without trusting rrweb's
// masking. It also admits serialized subtrees into the picture, scrubbing them
// on the way (what is not admitted is never sent).
import {
  BLOCK,
  FIELD_ATTRIBUTES,
  FIELD_TAGS,
  MODE_STRICT,
  REGION_ATTRIBUTES,
  ROOT_CONTEXT,
  SENSITIVE_FIELD,
  blockedAttributes,
  combine,
  raise,
  scrubAttributes,
  scrubText,
  tagFacts,
  ownFacts,
  type Context,
  type ModeLevel,
  type OwnFacts,
  type Region,
} from './classify';
import { INLINE_TAGS, maskAcrossSerializedNodes } from './across-nodes';
import { SerializedNodeType } from './protocol';
import { MARK_ATTRIBUTE, MARK_CLASS_PREFIX } from './vocabulary';

/** Facts the live page knows about a recorded element and the serialized form cannot show. */
export interface ElementHint {
  /** A mark from a configured or run-time selector. */
  mark?: Region;
  /** The element was a password field at some point of its life. */
  sensitive?: boolean;
  /** For a shadow host: the protection its default slot gives the text put directly in it. */
  text?: Region;
}

/**
 * What a scrubber running in the page asks of the page, and tells it: the one
 * way from the DOM-free engine back to the live document. The recorder
 * implements it; a scrubber on a server has none.
 */
export interface LivePage {
  /**
   * Asked once per element (`tag` in lower case) as it enters the recording
   * and when its attributes change; `slotted` when its parent is a shadow host,
   * which shows it in a slot, and when it turns out to be a host itself.
   */
  hint(id: number, tag: string, slotted: boolean): ElementHint | undefined;
  /** Told, as they enter the recording, of a shadow host and of a frame's document: the page watches them too. */
  nestedTree(id: number): void;
  /** A region's protection was raised after it was recorded: a fresh full snapshot re-evaluates it. */
  requestCheckout(): void;
}

/**
 * A change of the page that the mark watcher hears before rrweb reports it
 * (or when rrweb never will, as for the attribute that blocks an element).
 */
export type TreeChange =
  /** A recorded node moved under another recorded node, or (`null`) left the page or went where the scrubber does not see. */
  | { kind: 'parent'; id: number; parentId: number | null }
  /** A recorded element's classifying attributes changed; `askAgain`: its hint may have changed whatever they say. */
  | { kind: 'attributes'; id: number; attributes: Record<string, string | null>; askAgain?: boolean }
  /** A recorded element got a shadow root: its light-DOM children show in slots now. */
  | { kind: 'host'; id: number };

export type Serialized = {
  type: number;
  id: number;
  tagName?: string;
  attributes?: Record<string, unknown>;
  childNodes?: Serialized[];
  textContent?: string;
  [k: string]: unknown;
};

export const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null;

/**
 * The value of a classifying attribute worth keeping. A class classifies only
 * with a marker class in it: most elements have classes and no marker, and
 * so share the empty record, and a class change without one changes nothing.
 */
function classifying(name: string, value: unknown): string | undefined {
  return typeof value === 'string' && (name !== 'class' || value.includes(MARK_CLASS_PREFIX)) ? value : undefined;
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

/** The attributes ownFacts reads for this tag: form controls and meta elements are judged by their names too. */
const attributesFor = (tag: string) => (FIELD_TAGS.has(tag) || tag === 'meta' ? FIELD_ATTRIBUTES : REGION_ATTRIBUTES);

/** Parent id of the document node, and of nodes whose place is unknown (their contexts are null). */
const ROOT = -1;
const NOWHERE = -2;

export interface RecordedTree {
  /** Forgets everything: a full snapshot starts a new picture. */
  reset(): void;
  /** Contexts worked out so far may be stale (a new event, or a change of the tree). */
  forgetContexts(): void;
  /** The context of a recorded node, or null when it (or an ancestor) is not in the recording. */
  contextOf(id: number): Context | null;
  /** Whether events about this node may be sent: it is recorded and not inside a blocked region. */
  visible(id: unknown): boolean;
  /** The tag of a recorded element, and its classifying attributes (meta content is judged by its name). */
  element(id: number): { tag: string; attrs: Readonly<Record<string, string>> } | undefined;
  /** Whether a node is in the picture at all. */
  has(id: number): boolean;
  /**
   * Registers and scrubs a serialized subtree under `parentId`; false when it
   * must not be sent at all. `textCtx` is the context of text right under the
   * parent, unless it is in the parent's shadow root (worked out here when not given).
   */
  admit(node: Serialized, parentId: number, parentCtx: Context, textCtx?: Context): boolean;
  /** Admits a full snapshot's document. */
  admitDocument(node: Serialized): boolean;
  /** Takes a node out of the picture; true when it was in it. */
  remove(id: number): boolean;
  /** Applies classifying attribute values a mutation or the watcher reports. */
  reclassify(id: number, attributes: Record<string, unknown>, askAgain?: boolean): void;
  /** Applies a change the page's watcher heard. */
  note(change: TreeChange): void;
}

/** The picture of one recording. Without `page` it needs no DOM (a collector keeps one per session). */
export function createRecordedTree(mode: ModeLevel, page?: LivePage, valueMode: ModeLevel = mode): RecordedTree {
  const nodes = new Map<number, NodeRecord>();
  // Contexts are memoised per event, and forgotten within one when the tree
  // or a classification changes: a few ids out of tens of thousands, so a Map.
  let memo = new Map<number, Context | null>();
  const forgetContexts = () => {
    if (memo.size) memo = new Map();
  };
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
    return host ? raise(ctx, page?.hint(parent, host.tag, true)?.text ?? 0) : ctx;
  }

  function ownNow(id: number, rec: ElementRecord): OwnFacts {
    if (hostRecord(rec.parent)) {
      const mark = rec.own.mark;
      rec.own = facts(id, rec);
      if (rec.own.mark > mark) page?.requestCheckout();
    }
    return rec.own;
  }

  function facts(id: number, rec: ElementRecord): OwnFacts {
    const attrs = rec.attrs;
    // most elements have no classifying attribute and share their tag's facts
    let own = attrs === NO_ATTRIBUTES ? tagFacts(rec.tag, mode) : ownFacts(rec.tag, (n) => attrs[n], mode);
    const hint = page?.hint(id, rec.tag, !!hostRecord(rec.parent));
    if (hint?.mark !== undefined && hint.mark > own.mark) own = { ...own, mark: hint.mark };
    if (own.field === SENSITIVE_FIELD && rec.tag === 'input') rec.sensitive = true;
    if ((hint?.sensitive || rec.sensitive) && own.field !== SENSITIVE_FIELD) own = { ...own, field: SENSITIVE_FIELD };
    return own;
  }

  /** The classifying attributes of a serialized element; most have none and share one empty record, copied on the first change. */
  function classifyingAttrs(attributes: Record<string, unknown>, tag: string): Record<string, string> {
    let out: Record<string, string> | undefined;
    for (const n of attributesFor(tag)) {
      const v = classifying(n, attributes[n]);
      if (v !== undefined) (out ??= {})[n] = v;
    }
    // rrweb serializes an element it blocked as its class and size only, its
    // mark gone: without one here, the page's next report of the element's
    // attributes would look like a new block and ask for a fresh snapshot
    if (attributes.rr_width !== undefined) (out ??= {})[MARK_ATTRIBUTE] = 'block';
    return out ?? NO_ATTRIBUTES;
  }

  function contextOf(id: number): Context | null {
    const cached = memo.get(id);
    if (cached !== undefined) return cached;
    const rec = nodes.get(id);
    let ctx: Context | null = null;
    if (rec !== undefined) {
      const parent = parentOf(rec);
      const parentCtx = parent === ROOT ? ROOT_CONTEXT : contextOf(parent);
      if (parentCtx) ctx = typeof rec === 'number' ? textContext(parent, parentCtx) : combine(parentCtx, ownNow(id, rec));
    }
    memo.set(id, ctx);
    return ctx;
  }

  function visible(id: unknown): boolean {
    if (typeof id !== 'number') return false;
    const rec = nodes.get(id);
    if (rec === undefined) return false;
    const parent = parentOf(rec);
    const parentCtx = parent === ROOT ? ROOT_CONTEXT : contextOf(parent);
    return parentCtx !== null && parentCtx.region !== BLOCK && contextOf(id) !== null;
  }

  function admit(node: Serialized, parentId: number, parentCtx: Context, textCtx?: Context): boolean {
    if (!isObject(node) || typeof node.id !== 'number') return false;
    const id = node.id;
    if (node.isShadow === true) becomesHost(parentId);
    const previous = nodes.get(id);
    // a node admitted again (moved, or an id seen before) changes the way up for what it holds
    if (previous !== undefined) forgetContexts();
    if (node.type === SerializedNodeType.Element) {
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
      scrubAttributes(tag, attributes, ctx, mode, valueMode);
      admitChildren(node, id, ctx);
      // strict mode masks all text: nothing to read across
      if (mode !== MODE_STRICT && !INLINE_TAGS.has(tag)) maskAcrossSerializedNodes(node);
      return true;
    }
    nodes.set(id, parentId);
    const ctx = node.isShadow === true ? parentCtx : (textCtx ?? textContext(parentId, parentCtx));
    if (!inFullSnapshot) memo.set(id, ctx);
    if (node.type === SerializedNodeType.Document) {
      // a frame's document, recorded under the frame
      if (parentId !== ROOT) page?.nestedTree(id);
      admitChildren(node, id, parentCtx);
    } else if (node.type !== SerializedNodeType.DocumentType) {
      // text, CDATA and comments
      node.textContent = typeof node.textContent === 'string' ? scrubText(node.textContent, ctx, mode, valueMode) : '';
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
    page?.nestedTree(id);
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

  function reclassify(id: number, attributes: Record<string, unknown>, askAgain?: boolean): void {
    const rec = nodes.get(id);
    if (typeof rec !== 'object') return;
    // only a change that can alter the element's facts costs the contexts worked out so far
    let touched = !!askAgain;
    for (const n of attributesFor(rec.tag)) {
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
      if (rec.own.mark !== before.mark) page?.requestCheckout();
      forgetContexts();
    }
  }

  function moved(id: number, parentId: number | null): void {
    const rec = nodes.get(id);
    if (rec === undefined) return;
    // a parent the picture does not hold: contexts under the node are null, so nothing about it is sent
    const parent = parentId !== null && nodes.has(parentId) ? parentId : NOWHERE;
    if (parent === parentOf(rec)) return;
    if (typeof rec === 'number') nodes.set(id, parent);
    else rec.parent = parent;
    forgetContexts();
  }

  return {
    reset() {
      nodes.clear();
      forgetContexts();
    },
    forgetContexts,
    contextOf,
    visible,
    element(id) {
      const rec = nodes.get(id);
      return typeof rec === 'object' ? rec : undefined;
    },
    has: (id) => nodes.has(id),
    admit,
    admitDocument(node) {
      inFullSnapshot = true;
      try {
        return admit(node, ROOT, ROOT_CONTEXT);
      } finally {
        inFullSnapshot = false;
      }
    },
    remove(id) {
      return nodes.delete(id);
    },
    reclassify,
    note(change) {
      if (change.kind === 'parent') moved(change.id, change.parentId);
      else if (change.kind === 'attributes') reclassify(change.id, change.attributes, change.askAgain);
      else becomesHost(change.id);
    },
  };
}
