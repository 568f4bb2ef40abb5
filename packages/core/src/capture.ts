// The capture layer: rrweb's own masking hooks, answered with the same rules
// the scrubber applies later. It works on live elements, so it also sees what
// serialized nodes cannot: matches of configured selectors, shadow hosts and
// frames above a node, and the password memory.
import {
  BLOCK,
  MASK,
  PLAIN_FIELD,
  RECORD,
  ROOT_CONTEXT,
  SENSITIVE_FIELD,
  STRICT_MEDIA_TAGS,
  UNMASK,
  combine,
  factsOfTag,
  ownFacts,
  scrubText,
  scrubValue,
  type Context,
  type ModeLevel,
  type OwnFacts,
  type Region,
  MODE_STRICT,
} from './classify';
import { maskChars, maskPersonalData } from './detect';
import { wasPasswordField } from './passwords';
import type { ElementHint } from './scrub';

export interface SelectorSets {
  mask: string[];
  block: string[];
  unmask: string[];
}

const MARKER_BLOCK = '[data-veil="block" i], .veil-block';

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
  /** The page changed something that classifies elements: forget every context worked out so far. */
  invalidate(): void;
  /** The selector rrweb must not serialize the inside of. */
  readonly blockSelector: string;
}

/** The element above `node`, crossing shadow roots and same-origin frames. */
function parentAcross(node: Element): Element | null {
  const parent = node.parentNode;
  if (!parent) return null;
  if (parent.nodeType === 1) return parent as Element;
  if (parent.nodeType === 11) return (parent as ShadowRoot).host ?? null;
  if (parent.nodeType === 9) {
    try {
      return (parent as Document).defaultView?.frameElement ?? null;
    } catch {
      return null;
    }
  }
  return null;
}

export function createCapture(mode: ModeLevel, selectors: SelectorSets): Capture {
  const maskSel = joined(selectors.mask);
  const blockSel = joined(selectors.block);
  const unmaskSel = joined(selectors.unmask);
  const blockSelector = [MARKER_BLOCK, ...selectors.block, ...(mode === MODE_STRICT ? STRICT_MEDIA_TAGS : [])].join(', ');

  // Contexts are computed top-down and reused while rrweb serializes one
  // snapshot or one batch of mutations (a synchronous stretch of work); the
  // cache is dropped at the next microtask, before the page can change again.
  // A Map, not a WeakMap: it lives for one stretch only, and weak tables of
  // ten thousand elements cost the garbage collector far more.
  let cache: Map<Element, Context> | null = null;
  const cacheNow = () => {
    if (!cache) {
      cache = new Map();
      queueMicrotask(() => {
        cache = null;
      });
    }
    return cache;
  };

  function selectorMark(el: Element): Region {
    try {
      if (blockSel && el.matches(blockSel)) return BLOCK;
      if (maskSel && el.matches(maskSel)) return MASK;
      if (unmaskSel && el.matches(unmaskSel)) return UNMASK;
    } catch {
      return MASK;
    }
    return RECORD;
  }

  function own(el: Element): OwnFacts {
    const tag = el.localName.toLowerCase();
    const facts = el.hasAttributes() ? ownFacts(tag, (n) => el.getAttribute(n), mode) : factsOfTag(tag, mode);
    const mark = selectorMark(el);
    const password = tag === 'input' && wasPasswordField(el);
    return mark > facts.mark || password ? { ...facts, mark: mark > facts.mark ? mark : facts.mark, field: password ? SENSITIVE_FIELD : facts.field } : facts;
  }

  function contextOf(el: Element): Context {
    const c = cacheNow();
    const hit = c.get(el);
    if (hit) return hit;
    const parent = parentAcross(el);
    const ctx = combine(parent ? contextOf(parent) : ROOT_CONTEXT, own(el));
    c.set(el, ctx);
    return ctx;
  }

  return {
    blockSelector,
    text(text, element) {
      // Text right under a shadow root comes without its host. Strict mode masks
      // it; otherwise the scrubber, which knows the host, decides after this.
      if (!element) return mode === MODE_STRICT ? maskChars(text) : maskPersonalData(text);
      return scrubText(text, contextOf(element), mode);
    },
    value(text, element) {
      // Input events come straight from page code, which may have changed the
      // field's shadow root or frame in the same task: the document's watcher
      // does not see those, so such a field's context is worked out afresh.
      if (element.getRootNode() !== element.ownerDocument || element.ownerDocument !== document) cache = null;
      const ctx = contextOf(element);
      return scrubValue(text, ctx.field || PLAIN_FIELD, ctx.region, mode);
    },
    invalidate() {
      cache = null;
    },
    hint(element) {
      return { mark: selectorMark(element), sensitive: element.localName === 'input' && wasPasswordField(element) };
    },
  };
}
