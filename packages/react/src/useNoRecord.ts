import type { MarkerAttributes } from './createMarker';

const BLOCK: MarkerAttributes<'block'> = Object.freeze({ 'data-veil': 'block' });

/**
 * Props that keep an element and its subtree out of the recording
 * (`{ 'data-veil': 'block' }`), to spread on any element; server-rendered HTML
 * carries them. Needs no provider.
 *
 * @example
 * <ul className="backup-codes" {...useNoRecord()}>{codes.map((c) => <li key={c}>{c}</li>)}</ul>
 */
export function useNoRecord(): MarkerAttributes<'block'> {
  return BLOCK;
}
