// The shared marker combinations in Chromium: on one element the strongest
// mark wins, whichever directive comes first and whatever static data-veil
// attribute is written beside them; nested elements keep their own marks.
import { TestBed } from '@angular/core/testing';
import { describe, expect, it } from 'vitest';
import { elementMark, strongestMark } from '@veil/core';
import { MARK_COMBINATION_CASES, attributesOfElement, combinationComponent, expectedMarks, renderedMarks } from '../testing/combinations';

describe('marker combinations in templates, in the browser', () => {
  it.each(MARK_COMBINATION_CASES)('render the strongest mark: %s', (_name, combination) => {
    const fixture = TestBed.createComponent(combinationComponent(combination));
    fixture.detectChanges();
    const host = fixture.nativeElement as HTMLElement;
    const attributes = (id: string) => attributesOfElement(host.querySelector(`#${id}`)!);
    expect(renderedMarks(combination, attributes, { elementMark, strongestMark })).toEqual(expectedMarks(combination));
  });
});
