import { MARK_ATTRIBUTE } from '@veil/core';
import { markProps, type MarkedProps, type MarkerAttributes } from './createMarker';

const UNMASK: MarkerAttributes<'unmask'> = Object.freeze({ [MARK_ATTRIBUTE]: 'unmask' });

/**
 * Props that record an element's plain text even in `strict` mode
 * (`{ 'data-veil': 'unmask' }`), to spread on any element. Sensitive fields stay
 * masked. Needs no provider. Given props, it returns them with the unmask
 * merged in, which never weakens a marker they carry: `useUnmask(useNoRecord())`
 * stays a block.
 *
 * @example
 * <h2 {...useUnmask()}>Order summary</h2>
 */
export function useUnmask(): MarkerAttributes<'unmask'>;
export function useUnmask<P extends object>(props: P): MarkedProps<P, 'unmask'>;
export function useUnmask(props?: object): object {
  return markProps(UNMASK, props);
}
