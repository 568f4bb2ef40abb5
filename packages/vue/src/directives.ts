import type { DirectiveBinding, ObjectDirective, VNode } from 'vue';
import { MARK_ATTRIBUTE, readMark, strongestMark, warnOnce, type RegionMark } from '@veil/core';

/**
 * What a Veil directive accepts. No value (or `undefined`) and `true` switch
 * the mark on; `false` or `null` switch it off and remove the attribute.
 */
export type VeilDirectiveValue = boolean | null | undefined;

/** A directive that renders one `data-veil` marker, in the browser and in server-rendered HTML. */
export type VeilDirective = ObjectDirective<Element, VeilDirectiveValue>;

interface Marker {
  readonly mark: RegionMark;
  readonly name: string;
}

/** The Veil directives, to find them among all the directives of an element. */
const MARKERS = new WeakMap<object, Marker>();

// No value means on: when in doubt, protect.
const isOn = (binding: DirectiveBinding<unknown>): boolean => binding.value === undefined || !!binding.value;

/** A `data-veil` attribute written on the element (or fallen through to it), as text; `null` for none. */
function explicitMark(vnode: VNode): string | null {
  const value: unknown = vnode.props?.[MARK_ATTRIBUTE];
  return value === null || value === undefined || value === false ? null : String(value);
}

/** The Veil directives of the element that are on, the element's own template first. */
function markersOn(vnode: VNode): (Marker & { readonly from: unknown })[] {
  const on: (Marker & { readonly from: unknown })[] = [];
  for (const binding of vnode.dirs ?? []) {
    const marker = MARKERS.get(binding.dir);
    if (marker && isOn(binding)) on.push({ ...marker, from: binding.instance });
  }
  return on;
}

/**
 * The element's mark, from its vnode alone: the strongest of its `data-veil`
 * attribute and every Veil directive on it that is on (a directive on a
 * component is on its root element's vnode too). The core decides which is
 * strongest.
 */
function markOf(vnode: VNode): RegionMark | null {
  return strongestMark(explicitMark(vnode), ...markersOn(vnode).map((marker) => marker.mark));
}

/** Sets the element's `data-veil` to its mark, or removes it when nothing marks the element. */
function apply(el: Element, vnode: VNode): void {
  const mark = markOf(vnode);
  const explicit = explicitMark(vnode);
  // an attribute written in the template that wins stays as written
  const value = mark === null ? null : explicit !== null && readMark(explicit) === mark ? explicit : mark;
  if (value === null) {
    if (el.hasAttribute(MARK_ATTRIBUTE)) el.removeAttribute(MARK_ATTRIBUTE);
  } else if (el.getAttribute(MARK_ATTRIBUTE) !== value) {
    el.setAttribute(MARK_ATTRIBUTE, value);
  }
  warnIfServerDiffers(el, vnode, mark, explicit);
}

/**
 * A compiled template's server render cannot see the element's vnode: it
 * renders the mark of the Veil directives written on the element in one
 * template (the innermost with one on), over any `data-veil` attribute or
 * marker from outside. When the element's mark is stronger than that, the
 * server-rendered HTML is weaker than the page until hydration: say so, once.
 */
function warnIfServerDiffers(el: Element, vnode: VNode, mark: RegionMark | null, explicit: string | null): void {
  const on = markersOn(vnode);
  const template = on.filter((marker) => marker.from === on[0]?.from);
  const rendered = strongestMark(...template.map((marker) => marker.mark));
  if (rendered === null || rendered === mark) return;
  const name = template.find((marker) => marker.mark === rendered)!.name;
  if (explicit !== null && readMark(explicit) === mark) {
    const message = `${name} leaves ${MARK_ATTRIBUTE}="${explicit}" on <${el.localName}> as it is: put one marker on an element, and nest elements to combine them.`;
    warnOnce(message, message);
  } else {
    const outer = on.find((marker) => marker.mark === mark)!.name;
    const message =
      `${outer} on a component and ${name} on its root element <${el.localName}> are combined to ${MARK_ATTRIBUTE}="${mark}" in the browser, ` +
      `but server-rendered HTML shows "${rendered}" until hydration: put one marker on an element, and nest elements to combine them.`;
    warnOnce(message, message);
  }
}

// Server rendering of compiled templates calls getSSRProps once per directive,
// without the vnode, and merges the results over the element's other
// attributes. The directives of one element agree all the same: each call
// joins the open group, and every one of them returns a getter for the group's
// strongest mark. All of one element's calls are arguments of one expression
// (`ssrRenderAttrs(mergeProps(…, ssrGetDirectiveProps(a), ssrGetDirectiveProps(b)))`),
// evaluated before any getter is read; the first read closes the group, and
// the next call opens a new one. A group that was never read (its props
// thrown away) can only make a later element's mark stronger, never weaker.
interface ServerGroup {
  readonly marks: RegionMark[];
  closed: boolean;
  mark: RegionMark | null;
}

let openGroup: ServerGroup | null = null;

function joinGroup(mark: RegionMark): Record<string, RegionMark | null> {
  if (!openGroup || openGroup.closed) openGroup = { marks: [], closed: false, mark: null };
  const group = openGroup;
  group.marks.push(mark);
  return {
    get [MARK_ATTRIBUTE]() {
      if (!group.closed) {
        group.closed = true;
        group.mark = strongestMark(...group.marks);
      }
      return group.mark;
    },
  };
}

function markDirective(mark: RegionMark, name: string): VeilDirective {
  const update = (el: Element, _binding: DirectiveBinding<VeilDirectiveValue>, vnode: VNode) => apply(el, vnode);
  const directive: VeilDirective = {
    // created: before the element's attributes are set or hydrated; having it also
    // tells Vue not to report the attribute as a hydration mismatch (it is ours).
    created: update,
    // beforeMount runs before the element is inserted: the recorder never sees it unmarked.
    beforeMount: update,
    // beforeUpdate runs before the element's children are patched: a region switched
    // on is marked before its new content arrives; updated runs after the element's
    // own attributes were patched, which may have rewritten data-veil.
    beforeUpdate: update,
    updated: update,
    getSSRProps(binding, vnode: VNode | null) {
      if (!isOn(binding)) return undefined;
      // render functions: the vnode shows the element's attribute and directives
      if (vnode) return { [MARK_ATTRIBUTE]: markOf(vnode) };
      return joinGroup(mark);
    },
  };
  MARKERS.set(directive, { mark, name });
  return directive;
}

/**
 * `v-sensitive`: masks the element's text, input values and text-bearing
 * attributes, and its whole subtree's (`data-veil="mask"`); layout stays.
 * With other Veil markers on the element, the strongest wins.
 * Registered by the plugin; import it to use it on its own.
 *
 * @example
 * <section v-sensitive>{{ customer.name }}</section>
 * <p v-sensitive="isPrivate">{{ note }}</p>
 */
export const vSensitive: VeilDirective = /* @__PURE__ */ markDirective('mask', 'v-sensitive');

/**
 * `v-no-record`: the element's subtree is never recorded (`data-veil="block"`);
 * a replay shows an empty box of the same size. Registered by the plugin;
 * import it to use it on its own.
 *
 * @example
 * <aside v-no-record><SupportChat /></aside>
 */
export const vNoRecord: VeilDirective = /* @__PURE__ */ markDirective('block', 'v-no-record');

/**
 * `v-unmask`: in `strict` mode, records the plain text of the subtree
 * (`data-veil="unmask"`). It never unmasks a sensitive field, nor lifts an
 * ancestor's mask or block, nor a stronger marker on the same element.
 * Registered by the plugin; import it to use it on its own.
 *
 * @example
 * <p v-unmask>Free shipping on orders over €50</p>
 */
export const vUnmask: VeilDirective = /* @__PURE__ */ markDirective('unmask', 'v-unmask');

declare module 'vue' {
  // template type-checking (Volar / vue-tsc) for the directives the plugin registers
  interface GlobalDirectives {
    vSensitive: VeilDirective;
    vNoRecord: VeilDirective;
    vUnmask: VeilDirective;
  }
}
