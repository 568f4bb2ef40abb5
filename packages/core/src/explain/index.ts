// @veil/core/explain: what Veil does with a node of a live page, and why.
// It asks the rules the recorder runs (engine/classify.ts, the detectors, the
// capture layer's view of the live tree in page/live-tree.ts and
// page/text-lines.ts), listening to which attribute, class or selector
// decided; it decides nothing itself. The X-ray overlay and @veil/testing
// are built on it. It is not in the recorder's bundle: a page that records
// never loads it.
import {
  BLOCK,
  MASK,
  MODE_BALANCED,
  MODE_STRICT,
  NOT_A_FIELD,
  PERSONAL_FIELD,
  PLAIN_FIELD,
  RECORD,
  ROOT_CONTEXT,
  SCRIPT,
  SENSITIVE_FIELD,
  STYLE,
  UNMASK,
  combine,
  markOf,
  modeLevel,
  raise,
  slotProtection,
  textMasked,
  valueMasked,
  valueModeOf,
  blockedAttributes,
  scrubAttributes,
  type Context,
  type FieldKind,
  type ModeLevel,
  type Region,
} from '../engine/classify';
import { findPersonalData, findTypedPersonalData, scrubSecretParams } from '../engine/detect';
import { scrubCss } from '../engine/url';
import type { Finding } from '../engine/findings';
import { MARK_ATTRIBUTE, MARK_CLASSES, type PrivacyMode } from '../engine/vocabulary';
import { DEFAULT_SLOT, liveFacts, parentAcross, selectorRegion, type JoinedSelectors } from '../page/live-tree';
import { resolvePrivacyOptions } from '../page/options';
import { rememberPasswordFields } from '../page/passwords';
import { lineOf, readLine } from '../page/text-lines';

/**
 * What reaches the recording:
 * - `recorded`: as the page shows it (personal data the detectors find in it
 *   is still masked: `found` says what);
 * - `masked`: replaced by asterisks of the same length, or partly so (`found`);
 * - `blocked`: the element is an empty box of its size, nothing inside it is recorded;
 * - `never recorded`: a secret: not even its length leaves the page.
 */
export type Outcome = 'recorded' | 'masked' | 'blocked' | 'never recorded';

export const OUTCOMES: readonly Outcome[] = ['recorded', 'masked', 'blocked', 'never recorded'];

export interface Explanation {
  outcome: Outcome;
  /** Why, e.g. `inside [data-veil="mask"] at form#signup`, `autocomplete="cc-number"`. */
  reason: string;
  /** `outcome: reason`, to show or to fail a test with. */
  summary: string;
  /** The element whose attribute, class or matched selector decided, when one did. */
  decidedBy: Element | null;
  /** What the detectors found and mask inside text or a value recorded otherwise ('card number', 'e-mail address' …). */
  found: string[];
}

/** The recorder options that decide what is recorded; any others (transport …) are ignored, so a recorder's own options object can be passed. */
export interface ExplainOptions {
  privacy?: PrivacyMode;
  mask?: string[];
  block?: string[];
  unmask?: string[];
  /** `false`: every input value masked, whatever the mode (a site's "record form inputs: off"). */
  recordInputs?: boolean;
}

/** One reason, and the element it comes from. */
interface Because {
  reason: string;
  element: Element | null;
}

interface Traced {
  ctx: Context;
  region: Because | null;
  field: Because | null;
}

const STRICT_TEXT: Because = { reason: 'strict mode masks all page text (mark a region data-veil="unmask" to record it)', element: null };
const STRICT_VALUE: Because = { reason: 'strict mode masks every input value', element: null };
const BALANCED_VALUE: Because = { reason: 'balanced mode masks input values outside data-veil="unmask"', element: null };
const INPUTS_OFF: Because = { reason: 'form-input recording is switched off: every input value is masked', element: null };

/** A short name for an element in a reason: `form#signup`, `div.chat`, `input[name="email"]`. */
export function describeElement(el: Element): string {
  const tag = el.localName;
  if (el.id) return `${tag}#${el.id}`;
  const name = el.getAttribute('name');
  if (name) return `${tag}[name="${name}"]`;
  const first = (el.getAttribute('class') ?? '').trim().split(/\s+/)[0];
  return first ? `${tag}.${first}` : tag;
}

const VALUE_TAGS = new Set(['input', 'textarea', 'select']);
/** Inputs that are buttons: their value is their label, not something a visitor types. */
const BUTTON_INPUTS = new Set(['submit', 'button', 'reset', 'image']);

/**
 * Whether `el` is a form field, as the X-ray counts them and
 * `@veil/testing`'s privacyReport lists them: an input other than a button,
 * a textarea, a select, or the outermost element of an editable region.
 */
export function isFormField(el: Element): boolean {
  const tag = el.localName;
  if (tag === 'input') return !BUTTON_INPUTS.has((el as HTMLInputElement).type);
  if (VALUE_TAGS.has(tag)) return true;
  return (el as HTMLElement).isContentEditable === true && !(el.parentElement as HTMLElement | null)?.isContentEditable;
}

function fieldReason(kind: FieldKind, attribute: string, value: string): string {
  if (attribute === 'password memory') return 'it has been a password field (once a password, always sensitive)';
  const said = `${attribute}="${value}"`;
  if (attribute === 'type' || attribute === 'autocomplete') return kind === SENSITIVE_FIELD ? said : `${said} asks for personal data`;
  return kind === SENSITIVE_FIELD ? `${said} names a secret` : `${said} names personal data`;
}

/** The explanations of one page under one set of options. */
export interface Explainer {
  /**
   * What happens to `node`: for a text node, its text; for a form control
   * (input, textarea, select) or an editable region, its value; for any
   * other element, the text inside it.
   */
  explain(node: Node): Explanation;
  /** What happens to one attribute of `element`. */
  explainAttribute(element: Element, name: string): Explanation;
}

/** Explains nodes under `options` (privacy mode and mask/block/unmask selectors, checked as the recorder checks them). */
export function createExplainer(options: ExplainOptions = {}): Explainer {
  if (typeof options !== 'object' || options === null)
    throw new Error('[veil] explain(node, options) expects an options object, e.g. { privacy: "balanced" }.');
  const resolved = resolvePrivacyOptions(options as Record<string, unknown>);
  const mode: ModeLevel = modeLevel(resolved.privacy);
  const valueMode = valueModeOf(mode, resolved.recordInputs);
  /** Why a plain field's value is masked when neither a mark nor its kind asks for it. */
  const valuePolicy = (): Because => (!resolved.recordInputs ? INPUTS_OFF : mode === MODE_STRICT ? STRICT_VALUE : BALANCED_VALUE);
  const joined = (list: string[]) => (list.length ? list.join(', ') : null);
  const selectors: JoinedSelectors = { block: joined(resolved.block), mask: joined(resolved.mask), unmask: joined(resolved.unmask) };
  if (typeof document !== 'undefined') rememberPasswordFields(document);

  /** Which configured selector of the kind that decided matches `el`. */
  function matchedSelector(el: Element, region: Region): string {
    const [name, list] =
      region === BLOCK ? ['block', resolved.block] : region === MASK ? ['mask', resolved.mask] : ['unmask', resolved.unmask];
    const hit = list.find(
      (s) => selectorRegion(el, region === BLOCK ? s : null, region === MASK ? s : null, region === UNMASK ? s : null) === region,
    );
    return `matches the ${name} option "${hit ?? list.join(', ')}"`;
  }

  function markReason(el: Element, region: Region, attribute: string, value: string): string {
    const at = describeElement(el);
    if (attribute === MARK_ATTRIBUTE) return `inside [${MARK_ATTRIBUTE}="${value}"] at ${at}`;
    if (attribute === 'class') return `inside .${MARK_CLASSES[markOf(region)!]} at ${at}`;
    if (attribute === 'selector') return `${matchedSelector(el, region)} at ${at}`;
    return `strict mode blocks images and media (<${value}>)`;
  }

  /** An element's context, worked out from the top as the capture layer does, with the reasons. */
  function traced(el: Element): Traced {
    const chain: Element[] = [];
    for (let e: Element | null = el; e; e = parentAcross(e)) chain.push(e);
    let t: Traced = { ctx: ROOT_CONTEXT, region: null, field: null };
    for (let i = chain.length - 1; i >= 0; i--) t = step(chain[i], t);
    return t;
  }

  function step(el: Element, parent: Traced): Traced {
    let mark: Because | null = null;
    let field: Because | null = null;
    const own = liveFacts(el, mode, selectors, (what, level, attribute, value) => {
      if (what === 'mark') mark = { reason: markReason(el, level as Region, attribute, value), element: el };
      else field = { reason: fieldReason(level as FieldKind, attribute, value), element: el };
    });
    const slot = el.assignedSlot ? traced(el.assignedSlot) : null;
    const fromSlot = slot ? slotProtection(slot.ctx.region) : RECORD;
    const ctx = raise(combine(parent.ctx, own), fromSlot);
    let region = parent.region;
    if (ctx.region > parent.ctx.region) {
      region =
        fromSlot === ctx.region && fromSlot > own.mark
          ? { reason: `shown in a slot ${slot!.region!.reason}`, element: slot!.region!.element }
          : mark;
    }
    let fieldBecause = parent.field;
    if (own.field !== NOT_A_FIELD) fieldBecause = field;
    else if (ctx.inValue && !parent.ctx.inValue) fieldBecause = { reason: `an editable region at ${describeElement(el)}`, element: el };
    return { ctx, region, field: fieldBecause };
  }

  function because(b: Because | null, fallback: string): Because {
    return b ?? { reason: fallback, element: null };
  }

  function result(outcome: Outcome, b: Because, found: string[] = []): Explanation {
    return { outcome, reason: b.reason, summary: `${outcome}: ${b.reason}`, decidedBy: b.element, found };
  }

  function kinds(found: Finding[]): string[] {
    return [...new Set(found.map((f) => f.kind))];
  }

  function foundIn(value: string, typed: boolean): string[] {
    const scrubbed = scrubSecretParams(value);
    const found = findPersonalData(scrubbed);
    if (typed) findTypedPersonalData(scrubbed, found);
    const out = kinds(found);
    if (scrubbed !== value) out.unshift('secret parameter');
    return out;
  }

  /** An input value, or text inside one (textarea, select, an editable region), in `t`. */
  function value(t: Traced, current: string): Explanation {
    const { ctx } = t;
    const kind = ctx.field || PLAIN_FIELD;
    if (ctx.region === BLOCK) return result('blocked', because(t.region, 'blocked'));
    if (kind === SENSITIVE_FIELD) return result('never recorded', because(t.field, 'a secret field'));
    if (valueMasked(kind, ctx.region, valueMode)) {
      if (kind >= PERSONAL_FIELD) return result('masked', because(t.field, 'a field for personal data'));
      if (ctx.region >= MASK) return result('masked', because(t.region, 'masked'));
      return result('masked', valuePolicy());
    }
    const found = foundIn(current, true);
    const why =
      ctx.region === UNMASK && mode === MODE_BALANCED
        ? because(t.region, 'unmasked')
        : { reason: 'an ordinary field: its value is recorded when typing settles', element: null };
    return found.length ? result('masked', { reason: `detected ${found.join(', ')}`, element: null }, found) : result('recorded', why);
  }

  function text(node: Text): Explanation {
    const parent = node.parentElement ?? (node.parentNode as ShadowRoot | null)?.host ?? null;
    if (!parent) return result('recorded', { reason: 'not in a page', element: null });
    const t = traced(parent);
    // text right under a shadow host is shown in its default slot
    const defaultSlot = node.parentElement ? parent.shadowRoot?.querySelector(DEFAULT_SLOT) : null;
    if (defaultSlot) {
      const slot = traced(defaultSlot);
      const raised = slotProtection(slot.ctx.region);
      if (raised > t.ctx.region) {
        t.ctx = raise(t.ctx, raised);
        t.region = { reason: `shown in a slot ${slot.region!.reason}`, element: slot.region!.element };
      }
    }
    const { ctx } = t;
    if (ctx.region === BLOCK) return result('blocked', because(t.region, 'blocked'));
    if (ctx.content === SCRIPT) return result('never recorded', { reason: 'script source is never recorded', element: parent });
    if (ctx.content === STYLE) {
      const masked = textMasked(ctx.region, mode);
      if (scrubCss(node.data, masked) === node.data)
        return result('recorded', { reason: 'a style sheet with nothing in it to scrub', element: null });
      const found = foundIn(node.data, false);
      const why = found.length
        ? `detected ${found.join(', ')}`
        : masked
          ? 'quoted text in a style sheet where text is masked'
          : 'a style sheet: URLs with credentials or secret parameters scrubbed';
      return result('masked', { reason: why, element: null }, found);
    }
    if (ctx.inValue) return value(t, node.data);
    if (textMasked(ctx.region, mode)) return result('masked', ctx.region >= MASK ? because(t.region, 'masked') : STRICT_TEXT);
    const found = foundIn(node.data, false);
    const across = readLine(lineOf(parent)).pieces.get(node);
    if (across) for (const kind of kinds(across)) if (!found.includes(kind)) found.push(`${kind} read across elements`);
    if (found.length) return result('masked', { reason: `detected ${found.join(', ')}`, element: null }, found);
    const why =
      ctx.region === UNMASK
        ? because(t.region, 'unmasked')
        : { reason: 'page text with no mark, selector or detected personal data', element: null };
    return result('recorded', why);
  }

  function element(el: Element): Explanation {
    const t = traced(el);
    const { ctx } = t;
    const tag = el.localName;
    if (ctx.region === BLOCK) return result('blocked', because(t.region, 'blocked'));
    if (tag === 'input' || tag === 'textarea' || tag === 'select' || ctx.inValue) {
      return value(t, (el as HTMLInputElement).value ?? el.textContent ?? '');
    }
    if (ctx.content === SCRIPT) return result('never recorded', { reason: 'script source is never recorded', element: el });
    if (textMasked(ctx.region, mode)) return result('masked', ctx.region >= MASK ? because(t.region, 'masked') : STRICT_TEXT);
    const why =
      ctx.region === UNMASK
        ? because(t.region, 'unmasked')
        : { reason: 'no mark or selector applies; detected personal data in its text is still masked', element: null };
    return result('recorded', why);
  }

  return {
    explain(node) {
      if (!node || typeof node !== 'object' || typeof (node as Node).nodeType !== 'number') {
        throw new Error('[veil] explain(node) expects a DOM element or text node.');
      }
      if (node.nodeType === 3) return text(node as Text);
      if (node.nodeType === 1) return element(node as Element);
      throw new Error(`[veil] explain(node) expects a DOM element or text node; got a node of type ${node.nodeType}.`);
    },
    explainAttribute(el, name) {
      const t = traced(el);
      const tag = el.localName;
      const attrs: Record<string, unknown> = {};
      for (const a of Array.from(el.attributes)) attrs[a.name] = a.value;
      const original = el.getAttribute(name);
      if (original === null) throw new Error(`[veil] explainAttribute(element, name): ${describeElement(el)} has no attribute "${name}".`);
      if (t.ctx.region === BLOCK) {
        const kept = blockedAttributes(attrs);
        return name in kept
          ? result('recorded', { reason: 'a blocked element keeps its size and classes', element: null })
          : result('blocked', because(t.region, 'blocked'));
      }
      scrubAttributes(tag, attrs, t.ctx, mode, valueMode);
      if (!(name in attrs)) {
        return result('never recorded', {
          reason: name.startsWith('on') ? 'event handlers are never recorded' : `${name} is never recorded`,
          element: el,
        });
      }
      const out = attrs[name];
      if (out === original) return result('recorded', { reason: 'nothing in it needs masking', element: null });
      if (/^[*\s]*$/.test(String(out))) {
        if (t.ctx.field === SENSITIVE_FIELD && (name === 'value' || name === 'label'))
          return result('never recorded', because(t.field, 'a secret field'));
        if (textMasked(t.ctx.region, mode) || (name === 'value' && valueMasked(t.ctx.field || PLAIN_FIELD, t.ctx.region, valueMode))) {
          if (name === 'value' && t.ctx.field >= PERSONAL_FIELD) return result('masked', because(t.field, 'a field for personal data'));
          return result('masked', t.ctx.region >= MASK ? because(t.region, 'masked') : name === 'value' ? valuePolicy() : STRICT_TEXT);
        }
      }
      const found = foundIn(original, name === 'value');
      return result(
        'masked',
        { reason: found.length ? `detected ${found.join(', ')}` : 'a URL: credentials and secret parameters removed', element: null },
        found,
      );
    },
  };
}

/** What happens to `node` under `options`: see Explainer.explain. */
export function explain(node: Node, options?: ExplainOptions): Explanation {
  return createExplainer(options).explain(node);
}
