// The shared marker combinations (tools/test-support) as Angular templates,
// compiled just in time from the table: `<section id="parent" data-veil="block"
// unmask><p id="child" sensitive>x</p></section>` …
import '@angular/compiler';
import { Component, type Type } from '@angular/core';
import { NoRecordDirective } from '../lib/no-record.directive';
import { SensitiveDirective } from '../lib/sensitive.directive';
import { UnmaskDirective } from '../lib/unmask.directive';
import type { MarkCombination, MarkedElement, Marker } from '../../../../tools/test-support/src/markers';

export {
  MARK_COMBINATION_CASES,
  attributesOf,
  attributesOfElement,
  expectedMarks,
  renderedMarks,
} from '../../../../tools/test-support/src/markers';

const ATTRIBUTES: Record<Marker, string> = { sensitive: 'sensitive', 'no-record': 'noRecord', unmask: 'unmask' };
const TAGS = { parent: 'section', child: 'p' } as const;

function elementTemplate(element: MarkedElement, inner: string): string {
  const attributes = [
    `id="${element.id}"`,
    ...(element.attribute ? [`data-veil="${element.attribute}"`] : []),
    ...element.markers.map((marker) => ATTRIBUTES[marker]),
  ];
  return `<${TAGS[element.id]} ${attributes.join(' ')}>${inner}</${TAGS[element.id]}>`;
}

/** The template of a combination, written as an app would. */
export function template({ parent, child }: MarkCombination): string {
  return elementTemplate(parent, child ? elementTemplate(child, 'x') : 'x');
}

/** A standalone component (selector `app-root`) whose template is the combination's. */
export function combinationComponent(combination: MarkCombination): Type<unknown> {
  class Combination {}
  return Component({
    selector: 'app-root',
    imports: [SensitiveDirective, NoRecordDirective, UnmaskDirective],
    template: template(combination),
  })(Combination);
}
