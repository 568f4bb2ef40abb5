import { createMarker } from './createMarker';

/**
 * Keeps its subtree out of the recording (`data-veil="block"`), now and after any
 * later change: the replay shows an empty box of the same size. Renders a `div`
 * unless `as` names another element or component.
 *
 * @example
 * <NoRecord as="aside" id="support-chat">
 *   <ChatWidget />
 * </NoRecord>
 */
export const NoRecord = createMarker('block', 'NoRecord');
