// How a live element is placed for the rules: what is above it across shadow
// roots and frames, which slot shows a host's text, and which of the
// configured selectors it matches. The capture layer and the explanation
// (explain/) both read the page through these, so they cannot disagree.
import {
  BLOCK,
  FIELD_TAGS,
  MASK,
  RECORD,
  REGION_MARKER_SELECTOR,
  SENSITIVE_FIELD,
  UNMASK,
  ownFacts,
  tagFacts,
  type ModeLevel,
  type OwnFacts,
  type Region,
  type RuleWitness,
} from '../engine/classify';
import { wasPasswordField } from './passwords';

/** The slot that shows a shadow host's text children: the first without a name. */
export const DEFAULT_SLOT = 'slot:not([name]),slot[name=""]';

/** The element above `node`, crossing shadow roots and same-origin frames. */
export function parentAcross(node: Element): Element | null {
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

/**
 * The region the `block`, `mask` and `unmask` options give an element, in
 * that order of precedence; each is one selector list (or null). A selector
 * the browser cannot match masks rather than records.
 */
export function selectorRegion(el: Element, block: string | null, mask: string | null, unmask: string | null): Region {
  if (!block && !mask && !unmask) return RECORD;
  // Element's own: a component may define a matches() of its own for its API
  const matches = Element.prototype.matches;
  try {
    if (block && matches.call(el, block)) return BLOCK;
    if (mask && matches.call(el, mask)) return MASK;
    if (unmask && matches.call(el, unmask)) return UNMASK;
  } catch {
    return MASK;
  }
  return RECORD;
}

/** The configured selectors, each kind as one selector list (null for none). */
export interface JoinedSelectors {
  block: string | null;
  mask: string | null;
  unmask: string | null;
}

/**
 * What a live element states about itself: its own attributes (ownFacts),
 * the configured selectors it matches, and the password memory. `witness`
 * hears which of them decided ('selector' and 'password memory' are the
 * attributes named for the last two).
 */
export function liveFacts(el: Element, mode: ModeLevel, selectors: JoinedSelectors, witness?: RuleWitness): OwnFacts {
  const tag = el.localName.toLowerCase();
  // Other elements than form controls are classified by a few attributes
  // only, which most have none of: one query says so, where reading each
  // would cost a call into the DOM apiece.
  let facts =
    !witness && !FIELD_TAGS.has(tag) && (!el.hasAttributes() || !Element.prototype.matches.call(el, REGION_MARKER_SELECTOR))
      ? tagFacts(tag, mode)
      : ownFacts(tag, (n) => el.getAttribute(n), mode, witness);
  const fromSelectors = selectorRegion(el, selectors.block, selectors.mask, selectors.unmask);
  if (fromSelectors > facts.mark) {
    facts = { ...facts, mark: fromSelectors };
    witness?.('mark', fromSelectors, 'selector', '');
  }
  if (tag === 'input' && facts.field !== SENSITIVE_FIELD && wasPasswordField(el)) {
    facts = { ...facts, field: SENSITIVE_FIELD };
    witness?.('field', SENSITIVE_FIELD, 'password memory', '');
  }
  return facts;
}
