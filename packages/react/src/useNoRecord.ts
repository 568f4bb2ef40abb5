import { MARK_ATTRIBUTE } from '@veil/core';
import { markProps, type MarkedProps, type MarkerAttributes } from './createMarker';

const BLOCK: MarkerAttributes<'block'> = Object.freeze({ [MARK_ATTRIBUTE]: 'block' });

/**
 * Props that keep an element and its subtree out of the recording
 * (`{ 'data-veil': 'block' }`), to spread on any element; server-rendered HTML
 * carries them. Needs no provider. Given props, it returns them with the block
 * merged in (no marker is stronger than a block).
 *
 * @example
 * <ul className="backup-codes" {...useNoRecord()}>{codes.map((c) => <li key={c}>{c}</li>)}</ul>
 */
export function useNoRecord(): MarkerAttributes<'block'>;
export function useNoRecord<P extends object>(props: P): MarkedProps<P, 'block'>;
export function useNoRecord(props?: object): object {
  return markProps(BLOCK, props);
}
