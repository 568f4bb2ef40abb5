import { describe, expect, it } from 'vitest';
// the core's rules from its source: DOM-free, and no build needed to check the oracle
import { elementMark, strongestMark } from '../../../packages/core/src/engine/vocabulary';
import {
  MARK_COMBINATIONS,
  MARK_COMBINATION_CASES,
  MARKER_MARKS,
  attributesOf,
  expectedMarks,
  renderedMarks,
  type MarkedElement,
} from '../src/markers';

const own = (element: MarkedElement) => strongestMark(element.attribute, ...element.markers.map((marker) => MARKER_MARKS[marker]));

describe('MARK_COMBINATIONS', () => {
  it.each(MARK_COMBINATION_CASES)('agrees with the core’s strongestMark: %s', (_name, { parent, child }) => {
    expect(parent.mark).toBe(own(parent));
    expect(parent.effective).toBe(parent.mark);
    if (child) {
      expect(child.mark).toBe(own(child));
      expect(child.effective).toBe(strongestMark(parent.mark, child.mark));
      expect(elementMark({ 'data-veil': child.mark })).toBe(child.mark);
    }
  });

  it('covers each ordered pair of markers on one element and nested, and each marker with each attribute value both ways', () => {
    const markers = Object.keys(MARKER_MARKS);
    const key = ({ markers, attribute }: MarkedElement) => `${markers.join('+')}${attribute ? `@${attribute}` : ''}`;
    const rows = new Set(MARK_COMBINATIONS.map(({ layout, elements }) => `${layout}:${elements.map(key).join('/')}`));
    const expected: string[] = [];
    for (const a of markers) {
      for (const b of markers) if (a !== b) expected.push(`one element:${a}+${b}`, `nested:${a}/${b}`);
      for (const value of ['unmask', 'mask', 'block']) {
        expected.push(`one element:${a}@${value}`, `nested:${a}/@${value}`, `nested:@${value}/${a}`);
      }
    }
    expect([...rows].sort()).toEqual(expected.sort());
  });
});

describe('attributesOf', () => {
  it('reads the attributes of the element with the id, quoted, bare or empty', () => {
    const html = `<main><p id="parent" data-veil="mask" hidden class='a b'><span id=child data-veil=block></span></p></main>`;
    expect(attributesOf(html, 'parent')).toEqual({ id: 'parent', 'data-veil': 'mask', hidden: '', class: 'a b' });
    expect(attributesOf(html, 'child')).toEqual({ id: 'child', 'data-veil': 'block' });
    expect(() => attributesOf(html, 'none')).toThrow(/no element with id="none"/);
  });
});

describe('renderedMarks', () => {
  it('reads each element with the core and matches the oracle for markup that follows it', () => {
    const nested = MARK_COMBINATIONS.find((row) => row.layout === 'nested' && row.parent.mark === 'block' && row.child?.mark === 'unmask')!;
    const html = `<div id="parent" data-veil="block"><p id="child" data-veil="unmask">x</p></div>`;
    expect(renderedMarks(nested, (id) => attributesOf(html, id), { elementMark, strongestMark })).toEqual(expectedMarks(nested));
    const weakened = `<div id="parent" data-veil="unmask"><p id="child" data-veil="unmask">x</p></div>`;
    expect(renderedMarks(nested, (id) => attributesOf(weakened, id), { elementMark, strongestMark })).not.toEqual(expectedMarks(nested));
  });
});
