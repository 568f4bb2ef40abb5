import type { MarkerAttributes } from './createMarker';

const MASK: MarkerAttributes<'mask'> = Object.freeze({ 'data-veil': 'mask' });

/**
 * Props that mask an element and its subtree (`{ 'data-veil': 'mask' }`), to
 * spread on any element. They are plain attributes, so server-rendered HTML is
 * marked before any script runs. Needs no provider.
 *
 * @example
 * <textarea name="delivery-notes" {...useSensitive()} />
 */
export function useSensitive(): MarkerAttributes<'mask'> {
  return MASK;
}
