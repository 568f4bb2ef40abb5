import { ElementRef, HostAttributeToken, computed, inject, type Signal } from '@angular/core';
import { MARK_ATTRIBUTE, readMark, strongestMark, type RegionMark } from '@veil/core';

interface ActiveMark {
  readonly mark: RegionMark;
  readonly on: Signal<boolean>;
}

/** The Veil directives on each element, so that siblings agree on one value. */
const marksByElement = new WeakMap<object, ActiveMark[]>();

/** The host binding of every Veil directive: the attribute the core reads, set to `veilMark()`. */
export const MARK_HOST_BINDING = `[attr.${MARK_ATTRIBUTE}]`;

/**
 * `<div sensitive>` gives the input `''`: on. Otherwise the value's truthiness,
 * with the string `'false'` (a static `sensitive="false"`) off.
 */
export function markInput(value: unknown): boolean {
  return value === '' || (value !== 'false' && Boolean(value));
}

/**
 * The `data-veil` value for the host element of a Veil directive: the
 * strongest of the marks of the Veil directives on the element that are on
 * and of a static `data-veil` attribute written on it (`<div noRecord
 * [sensitive]="x">` stays `block`, `<p data-veil="block" unmask>` too); the
 * core decides which is strongest. `null` removes the attribute.
 * Called in a directive's field initializer.
 */
export function hostMark(mark: RegionMark, on: Signal<boolean>): Signal<string | null> {
  const host: object = inject(ElementRef).nativeElement;
  // written in the template: the host binding replaces it, so it takes part here
  const written = inject(new HostAttributeToken(MARK_ATTRIBUTE), { optional: true });
  const siblings = marksByElement.get(host) ?? [];
  marksByElement.set(host, siblings);
  siblings.push({ mark, on });
  // Evaluated in the first update pass, when every directive on the element exists.
  return computed(() => {
    const strongest = strongestMark(written, ...siblings.map((sibling) => sibling.on() && sibling.mark));
    // a written attribute that wins stays as written
    return written !== null && readMark(written) === strongest ? written : strongest;
  });
}
