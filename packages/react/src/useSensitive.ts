import { MARK_ATTRIBUTE } from '@veil/core';
import { markProps, type MarkedProps, type MarkerAttributes } from './createMarker';

const MASK: MarkerAttributes<'mask'> = Object.freeze({ [MARK_ATTRIBUTE]: 'mask' });

/**
 * Props that mask an element and its subtree (`{ 'data-veil': 'mask' }`), to
 * spread on any element. They are plain attributes, so server-rendered HTML is
 * marked before any script runs. Needs no provider. Given props, it returns
 * them with the mask merged in: a marker they already carry stays if it is
 * stronger (`useSensitive(useNoRecord())` blocks), never weaker.
 *
 * @example
 * <textarea name="delivery-notes" {...useSensitive()} />
 * <section {...useSensitive({ className: 'customer', ...props })} />
 */
export function useSensitive(): MarkerAttributes<'mask'>;
export function useSensitive<P extends object>(props: P): MarkedProps<P, 'mask'>;
export function useSensitive(props?: object): object {
  return markProps(MASK, props);
}
