// The marker combinations every framework binding must render the same way:
// two Veil markers on one element, a marker beside an explicit data-veil
// attribute, and the same pairs nested. The expected marks are written out by
// hand (test/markers.test.ts checks them against the core's strongestMark), so
// that a binding and the core cannot agree on a wrong answer.
//
// Environment-free (no DOM, no node): browser and server tests import it alike.

/** A Veil marker as the bindings spell it: `<Sensitive>` / `v-sensitive` / `[sensitive]` … */
export type Marker = 'sensitive' | 'no-record' | 'unmask';

/** A region mark, the value of `data-veil`. */
export type Mark = 'unmask' | 'mask' | 'block';

/** The mark each marker renders on its own. */
export const MARKER_MARKS: Readonly<Record<Marker, Mark>> = Object.freeze({
  sensitive: 'mask',
  'no-record': 'block',
  unmask: 'unmask',
});

/** One element of a combination, with what it must render. */
export interface MarkedElement {
  /** The element's `id` in every rendering. */
  readonly id: 'parent' | 'child';
  /** The Veil markers on the element, in the order they are written. */
  readonly markers: readonly Marker[];
  /** An explicit `data-veil` attribute (or prop) written on the element, if any. */
  readonly attribute?: Mark;
  /** The element's own `data-veil` once rendered: the strongest of its markers and attribute. */
  readonly mark: Mark;
  /** What the recorder applies inside the element: the strongest mark of it and its ancestors. */
  readonly effective: Mark;
}

/** One row of {@link MARK_COMBINATIONS}. */
export interface MarkCombination {
  /** Says what is combined and what wins, for test names. */
  readonly name: string;
  readonly layout: 'one element' | 'nested';
  /** The outer element (the only one for `'one element'`). */
  readonly parent: MarkedElement;
  /** The element inside `parent`, for `'nested'`. */
  readonly child?: MarkedElement;
  /** Both elements, outer first. */
  readonly elements: readonly MarkedElement[];
}

interface Spec {
  markers?: Marker[];
  attribute?: Mark;
}

const describeElement = ({ markers = [], attribute }: Spec) => [...markers, ...(attribute ? [`data-veil="${attribute}"`] : [])].join(' + ');

function one(spec: Spec, mark: Mark): MarkCombination {
  const parent: MarkedElement = { id: 'parent', markers: spec.markers ?? [], attribute: spec.attribute, mark, effective: mark };
  return { name: `${describeElement(spec)} on one element: ${mark}`, layout: 'one element', parent, elements: [parent] };
}

function nested(outer: Spec, outerMark: Mark, inner: Spec, innerMark: Mark, innerEffective: Mark): MarkCombination {
  const parent: MarkedElement = {
    id: 'parent',
    markers: outer.markers ?? [],
    attribute: outer.attribute,
    mark: outerMark,
    effective: outerMark,
  };
  const child: MarkedElement = {
    id: 'child',
    markers: inner.markers ?? [],
    attribute: inner.attribute,
    mark: innerMark,
    effective: innerEffective,
  };
  return {
    name: `${describeElement(outer)} around ${describeElement(inner)}: ${outerMark} around ${innerMark} (inside: ${innerEffective})`,
    layout: 'nested',
    parent,
    child,
    elements: [parent, child],
  };
}

const S: Spec = { markers: ['sensitive'] };
const N: Spec = { markers: ['no-record'] };
const U: Spec = { markers: ['unmask'] };
const attr = (attribute: Mark): Spec => ({ attribute });
const withAttr = (spec: Spec, attribute: Mark): Spec => ({ ...spec, attribute });

/**
 * Every marker combination the bindings are tested with, and the oracle: on
 * one element the strongest mark wins (`block` > `mask` > `unmask`), whatever
 * the order or the source; nested elements keep their own marks, and inside
 * an element the strongest mark of it and its ancestors applies.
 *
 * @example
 * it.each(MARK_COMBINATIONS)('$name', (combination) => { … });
 */
export const MARK_COMBINATIONS: readonly MarkCombination[] = Object.freeze([
  // two markers on one element, in both orders
  one({ markers: ['sensitive', 'no-record'] }, 'block'),
  one({ markers: ['no-record', 'sensitive'] }, 'block'),
  one({ markers: ['sensitive', 'unmask'] }, 'mask'),
  one({ markers: ['unmask', 'sensitive'] }, 'mask'),
  one({ markers: ['no-record', 'unmask'] }, 'block'),
  one({ markers: ['unmask', 'no-record'] }, 'block'),

  // one marker and an explicit data-veil attribute on one element
  one(withAttr(S, 'unmask'), 'mask'),
  one(withAttr(S, 'mask'), 'mask'),
  one(withAttr(S, 'block'), 'block'),
  one(withAttr(N, 'unmask'), 'block'),
  one(withAttr(N, 'mask'), 'block'),
  one(withAttr(N, 'block'), 'block'),
  one(withAttr(U, 'unmask'), 'unmask'),
  one(withAttr(U, 'mask'), 'mask'),
  one(withAttr(U, 'block'), 'block'),

  // two markers nested: each element keeps its own
  nested(S, 'mask', N, 'block', 'block'),
  nested(N, 'block', S, 'mask', 'block'),
  nested(S, 'mask', U, 'unmask', 'mask'),
  nested(U, 'unmask', S, 'mask', 'mask'),
  nested(N, 'block', U, 'unmask', 'block'),
  nested(U, 'unmask', N, 'block', 'block'),

  // a marker around an explicit attribute
  nested(S, 'mask', attr('unmask'), 'unmask', 'mask'),
  nested(S, 'mask', attr('mask'), 'mask', 'mask'),
  nested(S, 'mask', attr('block'), 'block', 'block'),
  nested(N, 'block', attr('unmask'), 'unmask', 'block'),
  nested(N, 'block', attr('mask'), 'mask', 'block'),
  nested(N, 'block', attr('block'), 'block', 'block'),
  nested(U, 'unmask', attr('unmask'), 'unmask', 'unmask'),
  nested(U, 'unmask', attr('mask'), 'mask', 'mask'),
  nested(U, 'unmask', attr('block'), 'block', 'block'),

  // an explicit attribute around a marker
  nested(attr('unmask'), 'unmask', S, 'mask', 'mask'),
  nested(attr('mask'), 'mask', S, 'mask', 'mask'),
  nested(attr('block'), 'block', S, 'mask', 'block'),
  nested(attr('unmask'), 'unmask', N, 'block', 'block'),
  nested(attr('mask'), 'mask', N, 'block', 'block'),
  nested(attr('block'), 'block', N, 'block', 'block'),
  nested(attr('unmask'), 'unmask', U, 'unmask', 'unmask'),
  nested(attr('mask'), 'mask', U, 'unmask', 'mask'),
  nested(attr('block'), 'block', U, 'unmask', 'block'),
]);

/**
 * The attributes of the element with `id="…"` in server-rendered HTML, by
 * name (a name without a value maps to `''`). Enough for the markup the
 * combination tests render; not an HTML parser.
 *
 * @example
 * attributesOf('<p id="parent" data-veil="mask">x</p>', 'parent'); // { id: 'parent', 'data-veil': 'mask' }
 */
export function attributesOf(html: string, id: string): Record<string, string> {
  for (const tag of html.matchAll(/<[a-zA-Z][\w-]*((?:\s+[^\s=/>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*)\s*\/?>/g)) {
    const attributes: Record<string, string> = {};
    for (const [, name, double, single, bare] of tag[1]!.matchAll(/([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g)) {
      attributes[name!.toLowerCase()] = double ?? single ?? bare ?? '';
    }
    if (attributes['id'] === id) return attributes;
  }
  throw new Error(`no element with id="${id}" in ${html}`);
}

/** The attributes of a DOM element, by name, as {@link attributesOf} gives them for HTML. */
export function attributesOfElement(element: {
  readonly attributes: ArrayLike<{ readonly name: string; readonly value: string }>;
}): Record<string, string> {
  return Object.fromEntries(Array.from(element.attributes, ({ name, value }) => [name, value]));
}

/** The core's two readings the combination tests check rendered markup with (`@veil/core`). */
export interface MarkReader {
  elementMark(attributes: { readonly [name: string]: unknown }): Mark | null;
  strongestMark(...marks: (Mark | null)[]): Mark | null;
}

/** What a test compares for each element: its own `data-veil`, the core's reading of its attributes, and the mark that applies inside it. */
export interface RenderedMark {
  readonly id: string;
  readonly 'data-veil': string | null;
  readonly elementMark: Mark | null;
  readonly inside: Mark | null;
}

/**
 * What each element of `combination` shows once rendered, read from its
 * attributes (`attributes(id)`) with the core's functions.
 *
 * @example
 * expect(renderedMarks(combination, (id) => attributesOf(html, id), core)).toEqual(expectedMarks(combination));
 */
export function renderedMarks(
  combination: MarkCombination,
  attributes: (id: string) => Record<string, string>,
  core: MarkReader,
): RenderedMark[] {
  const marks = combination.elements.map((element) => {
    const read = attributes(element.id);
    return { id: element.id, 'data-veil': read['data-veil'] ?? null, elementMark: core.elementMark(read) };
  });
  return marks.map((mark, index) => ({
    ...mark,
    inside: core.strongestMark(...marks.slice(0, index + 1).map((outer) => outer.elementMark)),
  }));
}

/** The oracle's answer for `combination`, in the shape of {@link renderedMarks}. */
export function expectedMarks(combination: MarkCombination): RenderedMark[] {
  return combination.elements.map((element) => ({
    id: element.id,
    'data-veil': element.mark,
    elementMark: element.mark,
    inside: element.effective,
  }));
}

/** The combinations as `it.each` rows, `[name, combination]`, so that test names show the whole name. */
export const MARK_COMBINATION_CASES: readonly (readonly [string, MarkCombination])[] = MARK_COMBINATIONS.map(
  (combination) => [combination.name, combination] as const,
);
