// The capture layer: rrweb's own masking hooks, answered with the same rules
// the scrubber applies later. It works on live elements, so it also sees what
// serialized nodes cannot: matches of configured selectors, shadow hosts and
// frames above a node, and the password memory.
import {
  PLAIN_FIELD,
  RECORD,
  ROOT_CONTEXT,
  STRICT_MEDIA_TAGS,
  combine,
  raise,
  sameContext,
  scrubText,
  scrubValue,
  slotProtection,
  textScanned,
  type Context,
  type ModeLevel,
  type OwnFacts,
  type Region,
  MODE_STRICT,
  MARK_BLOCK_SELECTOR,
} from '../engine/classify';
import { maskChars, maskPersonalData } from '../engine/detect';
import { maskFindings } from '../engine/findings';
import type { ElementHint } from '../engine/scrub';
import { wasPasswordField } from './passwords';
import { DEFAULT_SLOT, liveFacts, parentAcross, selectorRegion } from './live-tree';
import { createTextLines } from './text-lines';

export interface SelectorSets {
  mask: string[];
  block: string[];
  unmask: string[];
}

function joined(list: string[]): string | null {
  return list.length ? list.join(', ') : null;
}

export interface Capture {
  /** rrweb's maskTextFn. */
  text(text: string, element: HTMLElement | null): string;
  /** rrweb's maskInputFn. */
  value(text: string, element: HTMLElement): string;
  /** Facts about a live element for the scrubber. */
  hint(element: Element): ElementHint;
  /**
   * What the page changed in the document (classifying attributes, the tree):
   * forgets the contexts worked out so far when a change can alter them.
   */
  noteChanges(records: MutationRecord[]): void;
  /** True when the slots of `host`'s shadow root show one of its light-DOM children with more protection than the host has. */
  slotsRaiseLight(host: Element): boolean;
  /** The selector rrweb must not serialize the inside of. */
  readonly blockSelector: string;
}

const CONTEXT = Symbol('veil.context');
const STAMP = Symbol('veil.generation');
type Kept = Element & { [CONTEXT]?: Context; [STAMP]?: number };
// shared by every capture, so that stamps from an earlier recording never match
let generations = 0;

/**
 * `remask`: text recorded in clear before that a match read across nodes now
 * runs through (see text-lines.ts). `valueMode`: what input values are
 * decided by (classify.ts: valueModeOf).
 */
export function createCapture(
  mode: ModeLevel,
  selectors: SelectorSets,
  remask: (pieces: Text[]) => void,
  valueMode: ModeLevel = mode,
): Capture {
  const maskSel = joined(selectors.mask);
  const blockSel = joined(selectors.block);
  const unmaskSel = joined(selectors.unmask);
  // (rrweb adds its own rr-block class to it: build/README.md)
  const blockSelector = [MARK_BLOCK_SELECTOR, ...selectors.block, ...(mode === MODE_STRICT ? STRICT_MEDIA_TAGS : [])].join(', ');

  // Contexts are worked out top-down. In the main document they are kept on
  // the elements themselves (nothing holds a removed element alive), stamped
  // with the generation they were worked out in, until the watcher reports a
  // change that alters one. Elsewhere (shadow roots, frames, detached trees,
  // which the watcher does not see) and whenever selectors are configured
  // (they can depend on anything, :hover included), they last one synchronous
  // stretch of work, dropped at the next microtask. A Map, not a WeakMap: weak
  // tables of ten thousand elements cost the garbage collector far more.
  const keepContexts = !(maskSel || blockSel || unmaskSel);
  let generation = ++generations;
  let stretch: Map<Element, Context> | null = null;
  let slotless = new Set<Node>();
  const stretchNow = () => {
    if (!stretch) {
      stretch = new Map();
      queueMicrotask(() => {
        stretch = null;
      });
    }
    return stretch;
  };

  const joinedSelectors = { block: blockSel, mask: maskSel, unmask: unmaskSel };
  const selectorMark = (el: Element): Region => selectorRegion(el, blockSel, maskSel, unmaskSel);
  const own = (el: Element): OwnFacts => liveFacts(el, mode, joinedSelectors);

  /**
   * The protection a slot gives what a shadow host shows in it. Light-DOM
   * children appear where their slot is, so a mask or block around the slot
   * reaches them although their DOM ancestors have none; an unmask does not.
   */
  function slotRegion(slot: Element | null | undefined): Region {
    return slot ? slotProtection(contextOf(slot).region) : RECORD;
  }

  /** What the default slot of a shadow host gives the text right under the host. */
  function textRegion(el: Element): Region {
    const root = el.shadowRoot;
    return root ? slotRegion(root.querySelector(DEFAULT_SLOT)) : RECORD;
  }

  function derive(el: Element, parent: Context): Context {
    return raise(combine(parent, own(el)), slotRegion(el.assignedSlot));
  }

  function keptContext(el: Kept): Context {
    if (el[STAMP] === generation) return el[CONTEXT]!;
    const ctx = derive(el, parentContext(el));
    el[CONTEXT] = ctx;
    el[STAMP] = generation;
    return ctx;
  }

  /** The context above an element of the main document. */
  function parentContext(el: Element): Context {
    const parent = el.parentNode;
    return parent?.nodeType === 1 ? keptContext(parent as Element) : ROOT_CONTEXT;
  }

  function contextOf(el: Element): Context {
    if (keepContexts) {
      // A stamp is only given in the main document and taken away as an
      // element leaves it (the recorder hands the watcher's records over
      // before anything is serialized): below a stamped element is the
      // document too, without asking the DOM for the root.
      const kept = el as Kept;
      if (kept[STAMP] === generation) return kept[CONTEXT]!;
      const parent = el.parentNode as Kept | null;
      if ((parent !== null && parent[STAMP] === generation) || el.getRootNode() === document) return keptContext(el);
    }
    const c = stretchNow();
    const hit = c.get(el);
    if (hit) return hit;
    const parent = parentAcross(el);
    const ctx = derive(el, parent ? contextOf(parent) : ROOT_CONTEXT);
    c.set(el, ctx);
    return ctx;
  }

  /** Whether a change the watcher reports leaves every kept context as it is. */
  function keptHold(r: MutationRecord): boolean {
    const target = r.target as Kept;
    // Kept contexts of light-DOM children depend on the slots that show them:
    // a change in a shadow root with slots may move one. Each root is looked
    // through once per batch of records. A stamped target is in the main
    // document (see contextOf), so only other targets need their root.
    if (target[STAMP] !== generation) {
      const root = target.getRootNode() as ParentNode;
      if (root.nodeType === 11 && !slotless.has(root)) {
        if (root.querySelector('slot')) return false;
        slotless.add(root);
      }
    }
    if (r.type === 'childList') {
      // A context depends on the whole way up. What leaves may come back
      // anywhere, also where the watcher does not see (inside a detached
      // wrapper, a shadow root): it and everything in it lose their stamps.
      // An element only arrives in the page after its removal's record, if it
      // was anywhere, so what arrives has no stamp left.
      for (const node of r.removedNodes) {
        const el = node as Kept;
        if (el[STAMP] === generation) {
          el[STAMP] = 0;
          for (const inner of el.querySelectorAll('*')) (inner as Kept)[STAMP] = 0;
        }
      }
      return true;
    }
    // Descendants keep their contexts when the element's comes out the same
    // (a context depends on the parent's and the element's own facts only).
    // One that left the page meanwhile loses its stamp with its removal.
    return target[STAMP] !== generation || sameContext(derive(target, parentContext(target)), target[CONTEXT]!);
  }

  const textContext = (element: Element) => raise(contextOf(element), textRegion(element));
  const lines = createTextLines(remask);

  return {
    blockSelector,
    text(text, element) {
      // Text right under a shadow root comes without its host. Strict mode masks
      // it; otherwise the scrubber, which knows the host, decides after this.
      if (!element) return mode === MODE_STRICT ? maskChars(text) : maskPersonalData(text);
      const ctx = textContext(element);
      const out = scrubText(text, ctx, mode, valueMode);
      if (!textScanned(ctx, mode)) return out;
      const across = lines.findings(text, element);
      if (!across) return out;
      // a secret parameter redacted changes the length: then the whole piece goes
      return out.length === text.length ? maskFindings(out, across) : maskChars(out);
    },
    value(text, element) {
      // Input events come straight from page code, which may have changed the
      // field's shadow root or frame in the same task: the document's watcher
      // does not see those, so such a field's context is worked out afresh.
      if (element.getRootNode() !== document) stretch = null;
      const ctx = contextOf(element);
      return scrubValue(text, ctx.field || PLAIN_FIELD, ctx.region, valueMode);
    },
    noteChanges(records) {
      stretch = null;
      lines.forget();
      slotless = new Set();
      if (keepContexts && !records.every(keptHold)) generation = ++generations;
    },
    slotsRaiseLight(host) {
      if (!host.shadowRoot) return false;
      const around = contextOf(host).region;
      for (let child = host.firstChild; child; child = child.nextSibling) {
        if (child.nodeType === 1 || child.nodeType === 3) {
          if (slotRegion((child as Element | Text).assignedSlot) > around) return true;
        }
      }
      return false;
    },
    hint(element) {
      return {
        mark: Math.max(selectorMark(element), slotRegion(element.assignedSlot)) as Region,
        sensitive: element.localName === 'input' && wasPasswordField(element),
        text: textRegion(element),
      };
    },
  };
}
