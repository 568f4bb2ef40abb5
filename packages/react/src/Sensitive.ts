import { createMarker } from './createMarker';

/**
 * Masks its subtree (`data-veil="mask"`): text, input values and text-bearing
 * attributes are recorded as same-length placeholders in every privacy mode.
 * Renders a `div` unless `as` names another element or component; other props
 * and the ref go to that element.
 *
 * @example
 * <Sensitive as="section" className="customer">
 *   <p>{customer.name}</p>
 * </Sensitive>
 */
export const Sensitive = createMarker('mask', 'Sensitive');
