import type { DirectiveBinding, ObjectDirective } from 'vue';
import type { RegionMark } from '@veil/core';
import { warnOnce } from './warn';

/**
 * What a Veil directive accepts. No value (or `undefined`) and `true` switch
 * the mark on; `false` or `null` switch it off and remove the attribute.
 */
export type VeilDirectiveValue = boolean | null | undefined;

/** A directive that renders one `data-veil` marker, in the browser and in server-rendered HTML. */
export type VeilDirective = ObjectDirective<Element, VeilDirectiveValue>;

const ATTR = 'data-veil';

// No value means on: when in doubt, protect.
const isOn = (binding: DirectiveBinding<unknown>): boolean => binding.value === undefined || !!binding.value;

function markDirective(mark: RegionMark, name: string): VeilDirective {
  const apply = (el: Element, binding: DirectiveBinding<VeilDirectiveValue>) => {
    const current = el.getAttribute(ATTR);
    if (isOn(binding)) {
      if (current === null) el.setAttribute(ATTR, mark);
      else if (current !== mark) {
        // Two markers on one element is a mistake; the one already there stays.
        warnOnce(`${name}:${current}`, `${name} leaves data-veil="${current}" on <${el.localName}> as it is: put one marker on an element, and nest elements to combine them.`);
      }
    } else if (current === mark) {
      el.removeAttribute(ATTR);
    }
  };
  return {
    // beforeMount runs before the element is inserted: the recorder never sees it unmarked.
    beforeMount: apply,
    // beforeUpdate runs before the element's children are patched: a region switched
    // on is marked before its new content arrives.
    beforeUpdate: apply,
    getSSRProps: (binding) => (isOn(binding) ? { [ATTR]: mark } : undefined),
  };
}

/**
 * `v-sensitive`: masks the element's text, input values and text-bearing
 * attributes, and its whole subtree's (`data-veil="mask"`); layout stays.
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
 * ancestor's mask or block. Registered by the plugin; import it to use it on its own.
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
