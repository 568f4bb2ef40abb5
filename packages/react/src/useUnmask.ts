import type { MarkerAttributes } from './createMarker';

const UNMASK: MarkerAttributes<'unmask'> = Object.freeze({ 'data-veil': 'unmask' });

/**
 * Props that record an element's plain text even in `strict` mode
 * (`{ 'data-veil': 'unmask' }`), to spread on any element. Sensitive fields stay
 * masked. Needs no provider.
 *
 * @example
 * <h2 {...useUnmask()}>Order summary</h2>
 */
export function useUnmask(): MarkerAttributes<'unmask'> {
  return UNMASK;
}
