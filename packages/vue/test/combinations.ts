// The shared marker combinations (tools/test-support) written the two ways a
// Vue app can: a template (compiled for the browser, or for the server by
// vue/server-renderer) and a render function with withDirectives.
import { defineComponent, h, withDirectives, type Component, type VNode } from 'vue';
import { strongestMark, type RegionMark } from '@veil/core';
import { vNoRecord, vSensitive, vUnmask } from '../src/index';
import {
  MARKER_MARKS,
  type MarkCombination,
  type MarkedElement,
  type Marker,
  type RenderedMark,
} from '../../../tools/test-support/src/markers';

export {
  MARK_COMBINATION_CASES,
  attributesOf,
  attributesOfElement,
  expectedMarks,
  renderedMarks,
} from '../../../tools/test-support/src/markers';

const DIRECTIVES = { sensitive: vSensitive, 'no-record': vNoRecord, unmask: vUnmask } as const;
const NAMES: Record<Marker, string> = { sensitive: 'v-sensitive', 'no-record': 'v-no-record', unmask: 'v-unmask' };
const TAGS = { parent: 'section', child: 'p' } as const;
const directives = { sensitive: vSensitive, noRecord: vNoRecord, unmask: vUnmask };

function elementTemplate(element: MarkedElement, inner: string): string {
  const attributes = [
    `id="${element.id}"`,
    ...(element.attribute ? [`data-veil="${element.attribute}"`] : []),
    ...element.markers.map((marker) => NAMES[marker]),
  ];
  return `<${TAGS[element.id]} ${attributes.join(' ')}>${inner}</${TAGS[element.id]}>`;
}

/** `<section id="parent" data-veil="block" v-unmask><p id="child" v-sensitive>x</p></section>` … */
export function template({ parent, child }: MarkCombination): string {
  return elementTemplate(parent, child ? elementTemplate(child, 'x') : 'x');
}

function elementVNode(element: MarkedElement, children: VNode[] | string): VNode {
  const vnode = h(TAGS[element.id], { id: element.id, ...(element.attribute && { 'data-veil': element.attribute }) }, children);
  return element.markers.length
    ? withDirectives(
        vnode,
        element.markers.map((marker) => [DIRECTIVES[marker]]),
      )
    : vnode;
}

/** How a combination is written in Vue: a component for each way. */
export const WAYS: Record<'template' | 'render function', (combination: MarkCombination) => Component> = {
  template: (combination) => defineComponent({ directives, template: template(combination) }),
  'render function': ({ parent, child }) =>
    defineComponent({ render: () => elementVNode(parent, child ? [elementVNode(child, 'x')] : 'x') }),
};

const directivesMark = (element: MarkedElement) => strongestMark(...element.markers.map((marker) => MARKER_MARKS[marker]));

/**
 * The known limit (README, "Combining markers"): server rendering of a
 * compiled template cannot see a data-veil attribute on the element of a
 * directive, so where that attribute is stronger than the element's
 * directives, the server renders the directives' mark and hydration raises it.
 */
export function serverCannotSee(combination: MarkCombination): boolean {
  return combination.elements.some((element) => {
    const directives = directivesMark(element);
    return directives !== null && directives !== element.mark;
  });
}

/** What the server renders from a compiled template for a {@link serverCannotSee} combination: the directives' marks. */
export function compiledServerMarks(combination: MarkCombination): RenderedMark[] {
  const marks = combination.elements.map((element) => directivesMark(element) ?? element.mark);
  return combination.elements.map((element, index) => ({
    id: element.id,
    'data-veil': marks[index]!,
    elementMark: marks[index]!,
    inside: strongestMark(...marks.slice(0, index + 1)),
  }));
}

/** A Veil marker or a data-veil attribute on a component and on its root element, and what wins. */
export interface ComponentRoot {
  readonly name: string;
  /** The parent's template: the component `Card` with `id="parent"`. */
  readonly parent: string;
  /** `Card`'s template: its root element. */
  readonly card: string;
  /** The root element's data-veil in the browser, after mounting or hydration: the strongest. */
  readonly mark: RegionMark;
  /** What the server renders from compiled templates: weaker than `mark` in the known-limit rows. */
  readonly server: RegionMark;
  /** The development warning hydration gives for a known-limit row. */
  readonly warning?: RegExp;
}

/**
 * A directive on a component lands on the component's root element (each row
 * with its own tag, so that each warning is new to the page). In the
 * browser the root element's vnode shows everything and the strongest mark
 * wins; a compiled template's server render shows the root element's own
 * directives over anything from outside (the known limit).
 */
export const COMPONENT_ROOTS: readonly ComponentRoot[] = [
  {
    name: 'v-unmask and v-sensitive on a component',
    parent: '<Card id="parent" v-unmask v-sensitive>x</Card>',
    card: '<article><slot /></article>',
    mark: 'mask',
    server: 'mask',
  },
  {
    name: 'v-unmask on a component whose root element has v-no-record',
    parent: '<Card id="parent" v-unmask>x</Card>',
    card: '<aside v-no-record><slot /></aside>',
    mark: 'block',
    server: 'block',
  },
  {
    name: 'v-no-record on a component whose root element has v-unmask',
    parent: '<Card id="parent" v-no-record>x</Card>',
    card: '<header v-unmask><slot /></header>',
    mark: 'block',
    server: 'unmask',
    warning:
      /^\[veil\] v-no-record on a component and v-unmask on its root element <header> are combined to data-veil="block" in the browser, but server-rendered HTML shows "unmask" until hydration/,
  },
  {
    name: 'data-veil="block" on a component whose root element has v-unmask',
    parent: '<Card id="parent" data-veil="block">x</Card>',
    card: '<figure v-unmask><slot /></figure>',
    mark: 'block',
    server: 'unmask',
    warning: /^\[veil\] v-unmask leaves data-veil="block" on <figure> as it is/,
  },
  {
    name: 'v-unmask on a component whose root element has data-veil="block"',
    parent: '<Card id="parent" v-unmask>x</Card>',
    card: '<footer data-veil="block"><slot /></footer>',
    mark: 'block',
    server: 'unmask',
    warning: /^\[veil\] v-unmask leaves data-veil="block" on <footer> as it is/,
  },
];

/** The parent component of a {@link COMPONENT_ROOTS} row. */
export function componentRoot(row: ComponentRoot): Component {
  const Card = defineComponent({ directives, template: row.card });
  return defineComponent({ components: { Card }, directives, template: `<div>${row.parent}</div>` });
}
