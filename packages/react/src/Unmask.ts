import { createMarker } from './createMarker';

/**
 * Records the plain text of its subtree even in `strict` mode
 * (`data-veil="unmask"`). It never unmasks a sensitive field and never lifts an
 * ancestor's mask or block. Renders a `div` unless `as` names another element.
 *
 * @example
 * <Unmask as="p" className="notice">Free shipping on orders over €50</Unmask>
 */
export const Unmask = createMarker('unmask', 'Unmask');
