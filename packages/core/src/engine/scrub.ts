// The last line of defence: every event passes through here before it can
// reach a transport. Each event is decided against the scrubber's own picture
// of the recorded page (recorded-tree.ts), never against rrweb's masking: what
// the picture does not hold, or holds inside a blocked region, is not sent.
import {
  BLOCK,
  PLAIN_FIELD,
  SENSITIVE_FIELD,
  blockedAttributes,
  modeLevel,
  scrubAttributes,
  scrubText,
  scrubValue,
  textMasked,
  valueMasked,
  valueModeOf,
  type Context,
  type ModeLevel,
} from './classify';
import { maskPersonalData } from './detect';
import { CUSTOM_EVENT_PREFIX, EventType, IncrementalSource, type RecordedEvent } from './protocol';
import { createRecordedTree, isObject, type LivePage, type RecordedTree, type TreeChange } from './recorded-tree';
import { scrubCss, scrubUrl } from './url';
import { DEFAULT_PRIVACY_MODE, type PrivacyMode } from './vocabulary';

export type { ElementHint, LivePage, TreeChange } from './recorded-tree';

export interface ScrubberOptions {
  /** The privacy mode to scrub with. Default `'strict'`. */
  privacy?: PrivacyMode;
  /** `false` masks every input value, whatever the mode (a site that switched form-input recording off). Default `true`. */
  recordInputs?: boolean;
}

/** Scrubs a stream of recorded events, keeping what it needs between them. */
export interface Scrubber {
  /** The event to send (scrubbed in place), or `null` when nothing of it may be sent. */
  scrub(event: RecordedEvent): RecordedEvent | null;
}

/** A scrubber inside the page, which also hears what the page's watcher hears. */
export interface LiveScrubber extends Scrubber {
  /** A change of the page that no event reports yet (or ever will). */
  note(change: TreeChange): void;
}

/**
 * Creates a scrubber for one recording. It needs no DOM: a collector runs one
 * per session over what it receives, in the order it was recorded.
 *
 * @example
 * const scrubber = createScrubber({ privacy: 'relaxed' });
 * const safe = events.map((e) => scrubber.scrub(e)).filter(Boolean);
 */
export function createScrubber(options: ScrubberOptions = {}): Scrubber {
  const { scrub } = createLiveScrubber(options.privacy ?? DEFAULT_PRIVACY_MODE, undefined, options.recordInputs ?? true);
  return { scrub };
}

/** The scrubber a recorder runs: `page` answers what only the live document knows. */
export function createLiveScrubber(privacy: PrivacyMode, page?: LivePage, recordInputs = true): LiveScrubber {
  const mode: ModeLevel = modeLevel(privacy);
  const valueMode = valueModeOf(mode, recordInputs);
  const tree = createRecordedTree(mode, page, valueMode);
  const sentAttributes = createSentAttributes(tree);
  const scrubIncremental = incrementalScrubber(tree, mode, valueMode, sentAttributes);

  return {
    scrub(event) {
      if (!isObject(event) || (!isObject(event.data) && event.type !== EventType.DomContentLoaded && event.type !== EventType.Load))
        return null;
      const data = event.data as Record<string, any>;
      let keep: boolean;
      switch (event.type) {
        case EventType.DomContentLoaded:
        case EventType.Load:
          keep = true;
          break;
        case EventType.FullSnapshot:
          tree.reset();
          sentAttributes.reset();
          keep = isObject(data.node) && tree.admitDocument(data.node as never);
          break;
        case EventType.IncrementalSnapshot:
          tree.forgetContexts();
          keep = scrubIncremental(data);
          break;
        case EventType.Meta:
          if (typeof data.href === 'string') data.href = scrubUrl(data.href);
          keep = true;
          break;
        case EventType.Custom:
          keep = scrubCustom(data);
          break;
        default:
          keep = false;
      }
      return keep ? event : null;
    },
    note: (change) => tree.note(change),
  };
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

/** Scrubs one element's reported attribute changes in place; false when nothing of them may be sent. */
function scrubAttributeChange(
  change: Record<string, any>,
  element: { tag: string; attrs: Readonly<Record<string, string>> },
  ctx: Context,
  mode: ModeLevel,
  valueMode: ModeLevel,
): boolean {
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
  const scratch: Record<string, unknown> = element.tag === 'meta' ? { ...element.attrs, ...attrs } : attrs;
  scrubAttributes(element.tag, scratch, ctx, mode, valueMode);
  if (scratch !== attrs) for (const k of Object.keys(attrs)) attrs[k] = scratch[k];
  for (const k of Object.keys(attrs)) if (!(k in scratch)) delete attrs[k];
  for (const k of nulls) attrs[k] = null;
  if (styleObject) attrs.style = scrubStyleValue(styleObject, textMasked(ctx.region, mode));
  return Object.keys(attrs).length > 0;
}

/** Veil's own custom events (navigation) keep their payload, scrubbed as URLs and text; every other custom event is dropped. */
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

/**
 * The attribute values sent for each element in attribute changes since the
 * last full snapshot, as sent (scrubbed). A change to a value that was sent
 * already changes nothing in the replay: React, around every input event,
 * empties a field's name and sets its name and type again, and rrweb, which
 * compares each record with the value now, reports the name every keystroke.
 */
function createSentAttributes(tree: RecordedTree) {
  let sent = new Map<number, Record<string, unknown>>();
  return {
    reset() {
      sent = new Map();
    },
    /** A node sent whole again (added or moved) carries its attributes as they are now. */
    forgetSubtree(node: unknown): void {
      if (!sent.size || !isObject(node)) return;
      if (typeof node.id === 'number') sent.delete(node.id);
      if (Array.isArray(node.childNodes)) for (const child of node.childNodes) this.forgetSubtree(child);
    },
    /** Takes out of `attributes` the values sent for `id` last time; remembers the rest as sent. */
    dropRepeated(id: number, attributes: Record<string, unknown>): void {
      let last = sent.get(id);
      for (const [name, value] of Object.entries(attributes)) {
        // style changes come as objects of differences: always news
        if (value !== null && typeof value !== 'string') continue;
        if (last && name in last && last[name] === value) delete attributes[name];
        else (last ??= {})[name] = value;
      }
      if (!last || sent.has(id)) return;
      sent.set(id, last);
      // elements that left the page are forgotten now and then
      if (sent.size > 4096) for (const known of sent.keys()) if (!tree.has(known)) sent.delete(known);
    },
  };
}

/** Decides incremental events (`data` scrubbed in place; false when none of it may be sent). */
function incrementalScrubber(
  tree: RecordedTree,
  mode: ModeLevel,
  valueMode: ModeLevel,
  sentAttributes: ReturnType<typeof createSentAttributes>,
): (data: Record<string, any>) => boolean {
  function scrubMutation(data: Record<string, any>): boolean {
    const attributeChanges: any[] = Array.isArray(data.attributes) ? data.attributes : [];
    // Classification first: rrweb reports final attribute values, and text or
    // nodes added in the same batch already live under them.
    for (const change of attributeChanges) {
      if (isObject(change) && isObject(change.attributes)) tree.reclassify(change.id, change.attributes);
    }

    // Each removal is judged where the node was before this batch; the
    // contexts worked out for that stay good until the last of them.
    const removes = Array.isArray(data.removes) ? data.removes : [];
    data.removes = removes.filter((r: any) => isObject(r) && tree.visible(r.parentId) && tree.contextOf(r.parentId)?.region !== BLOCK);
    let removed = false;
    for (const r of data.removes) if (tree.remove(r.id)) removed = true;
    if (removed) tree.forgetContexts();

    let pending: any[] = Array.isArray(data.adds) ? data.adds.filter(isObject) : [];
    const admitted = new Set<any>();
    // an add can name a parent that is itself added later in the same batch
    for (let progress = true; progress && pending.length;) {
      progress = false;
      const next: any[] = [];
      for (const add of pending) {
        const parentCtx = tree.has(add.parentId) ? tree.contextOf(add.parentId) : null;
        if (!parentCtx) {
          next.push(add);
          continue;
        }
        progress = true;
        if (parentCtx.region !== BLOCK && tree.admit(add.node, add.parentId, parentCtx)) admitted.add(add);
      }
      pending = next;
    }
    data.adds = (Array.isArray(data.adds) ? data.adds : []).filter((a: any) => admitted.has(a));
    for (const add of data.adds) sentAttributes.forgetSubtree(add.node);

    const texts = Array.isArray(data.texts) ? data.texts : [];
    data.texts = texts.filter((t: any) => {
      if (!isObject(t) || !tree.visible(t.id)) return false;
      const ctx = tree.contextOf(t.id)!;
      if (typeof t.value === 'string') t.value = scrubText(t.value, ctx, mode, valueMode);
      return true;
    });

    data.attributes = attributeChanges.filter((change: any) => {
      if (!isObject(change) || !isObject(change.attributes) || !tree.visible(change.id)) return false;
      const element = tree.element(change.id);
      if (!element) return false;
      if (!scrubAttributeChange(change, element, tree.contextOf(change.id)!, mode, valueMode)) return false;
      sentAttributes.dropRepeated(change.id, change.attributes);
      return Object.keys(change.attributes).length > 0;
    });

    return data.adds.length + data.removes.length + data.texts.length + data.attributes.length > 0;
  }

  function scrubInput(data: Record<string, any>): boolean {
    if (!tree.visible(data.id)) return false;
    const ctx = tree.contextOf(data.id)!;
    if (ctx.region === BLOCK) return false;
    const kind = ctx.field || PLAIN_FIELD;
    if (typeof data.text === 'string') data.text = scrubValue(data.text, kind, ctx.region, valueMode);
    if (data.isChecked && (kind === SENSITIVE_FIELD || valueMasked(kind, ctx.region, valueMode))) data.isChecked = false;
    return true;
  }

  return (data) => {
    switch (data.source) {
      case IncrementalSource.Mutation:
        return scrubMutation(data);
      case IncrementalSource.Input:
        return scrubInput(data);
      case IncrementalSource.MouseMove:
      case IncrementalSource.TouchMove:
      case IncrementalSource.Drag:
        if (!Array.isArray(data.positions)) return false;
        for (const p of data.positions) if (isObject(p) && !tree.visible(p.id)) p.id = -1;
        return true;
      case IncrementalSource.MouseInteraction:
      case IncrementalSource.Scroll:
      case IncrementalSource.MediaInteraction:
        return tree.visible(data.id);
      case IncrementalSource.ViewportResize:
      case IncrementalSource.CustomElement:
        return true;
      case IncrementalSource.Selection:
        if (!Array.isArray(data.ranges)) return false;
        data.ranges = data.ranges.filter((r: any) => isObject(r) && tree.visible(r.start) && tree.visible(r.end));
        return data.ranges.length > 0;
      case IncrementalSource.StyleSheetRule:
      case IncrementalSource.StyleDeclaration:
      case IncrementalSource.AdoptedStyleSheet: {
        if (data.id !== undefined && !tree.visible(data.id)) return false;
        // a <style> element's rules belong to its region; adopted sheets to none
        const hideText = textMasked(data.id === undefined ? 0 : tree.contextOf(data.id)!.region, mode);
        for (const k of Object.keys(data))
          if (k !== 'source' && k !== 'id' && k !== 'styleId') data[k] = scrubStyleValue(data[k], hideText);
        return true;
      }
      default:
        // canvas, fonts, console logs, and anything newer than this scrubber: never sent
        return false;
    }
  };
}
