// The shared marker combinations, rendered in Chromium: on one element the
// strongest mark wins, whichever marker is written first and whatever
// data-veil prop is passed too; nested elements keep their own marks.
import { describe, expect, it } from 'vitest';
import { render } from 'vitest-browser-react';
import { elementMark, strongestMark } from '@veil/core';
import { MARK_COMBINATION_CASES, WAYS, attributesOfElement, expectedMarks, renderedMarks } from './combinations';

describe.each(Object.keys(WAYS) as (keyof typeof WAYS)[])('marker combinations written with %s, in the browser', (way) => {
  it.each(MARK_COMBINATION_CASES)('render the strongest mark: %s', async (_name, combination) => {
    const { container } = await render(WAYS[way](combination));
    const attributes = (id: string) => attributesOfElement(container.querySelector(`#${id}`)!);
    expect(renderedMarks(combination, attributes, { elementMark, strongestMark })).toEqual(expectedMarks(combination));
  });
});
