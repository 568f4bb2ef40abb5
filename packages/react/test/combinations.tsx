// The shared marker combinations (tools/test-support) written the two ways
// @veil/react offers: marker components (two on one element through `as`) and
// marker hooks (one hook's props given to the next).
import { createElement, type ComponentType, type ReactNode } from 'react';
import { NoRecord, Sensitive, Unmask, useNoRecord, useSensitive, useUnmask } from '../src/index';
import type { MarkCombination, MarkedElement, Marker } from '../../../tools/test-support/src/markers';

export {
  MARK_COMBINATION_CASES,
  attributesOf,
  attributesOfElement,
  expectedMarks,
  renderedMarks,
} from '../../../tools/test-support/src/markers';

const COMPONENTS: Record<Marker, ComponentType<Record<string, unknown>>> = { sensitive: Sensitive, 'no-record': NoRecord, unmask: Unmask };
const HOOKS: Record<Marker, (props: object) => object> = { sensitive: useSensitive, 'no-record': useNoRecord, unmask: useUnmask };

const ownProps = (element: MarkedElement) => ({ id: element.id, ...(element.attribute && { 'data-veil': element.attribute }) });

/** `<Sensitive id="parent" data-veil="unmask">`, `<NoRecord as={Unmask} id="parent">` … */
function componentElement(element: MarkedElement, children?: ReactNode) {
  const [first, second] = element.markers.map((marker) => COMPONENTS[marker]);
  if (!first) return createElement('div', ownProps(element), children);
  return createElement(first, second ? { ...ownProps(element), as: second } : ownProps(element), children);
}

/** `<div {...useSensitive({ id: 'parent', 'data-veil': 'unmask' })}>`, `<div {...useUnmask(useNoRecord({ id: 'parent' }))}>` … */
function HookElement({ element, children }: { element: MarkedElement; children?: ReactNode }) {
  let props: object = ownProps(element);
  for (const marker of element.markers) props = HOOKS[marker](props);
  return createElement('div', props, children);
}

/** How a combination is written in React. */
export const WAYS = {
  components: ({ parent, child }: MarkCombination) => componentElement(parent, child && componentElement(child)),
  hooks: ({ parent, child }: MarkCombination) => <HookElement element={parent}>{child && <HookElement element={child} />}</HookElement>,
} as const;
