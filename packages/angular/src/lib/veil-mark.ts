import { ElementRef, computed, inject, type Signal } from '@angular/core';
import type { RegionMark } from '@veil/core';

/** From weakest to strongest: on one element, the strongest active mark wins. */
const STRENGTH: Record<RegionMark, number> = { unmask: 1, mask: 2, block: 3 };

interface ActiveMark {
  readonly mark: RegionMark;
  readonly on: Signal<boolean>;
}

/** The Veil directives on each element, so that siblings agree on one value. */
const marksByElement = new WeakMap<object, ActiveMark[]>();

/**
 * `<div sensitive>` gives the input `''`: on. Otherwise the value's truthiness,
 * with the string `'false'` (a static `sensitive="false"`) off.
 */
export function markInput(value: unknown): boolean {
  return value === '' || (value !== 'false' && Boolean(value));
}

/**
 * The `data-veil` value for the host element of a Veil directive: its own mark
 * when on, or the strongest mark of the Veil directives on the same element
 * (`<div noRecord [sensitive]="x">` stays `block`); `null` removes the attribute.
 * Called in a directive's field initializer.
 */
export function hostMark(mark: RegionMark, on: Signal<boolean>): Signal<RegionMark | null> {
  const host: object = inject(ElementRef).nativeElement;
  const siblings = marksByElement.get(host) ?? [];
  marksByElement.set(host, siblings);
  siblings.push({ mark, on });
  // Evaluated in the first update pass, when every directive on the element exists.
  return computed(() => {
    let strongest: RegionMark | null = null;
    for (const sibling of siblings) {
      if (sibling.on() && (strongest === null || STRENGTH[sibling.mark] > STRENGTH[strongest])) strongest = sibling.mark;
    }
    return strongest;
  });
}
