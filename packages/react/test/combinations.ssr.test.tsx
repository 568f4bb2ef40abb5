// The shared marker combinations, rendered to HTML on the server: the markup
// carries the strongest mark before any script runs, as in the browser.
import { describe, expect, it } from 'vitest';
import { renderToString } from 'react-dom/server';
import { elementMark, strongestMark } from '@veil/core';
import { MARK_COMBINATION_CASES, WAYS, attributesOf, expectedMarks, renderedMarks } from './combinations';

describe.each(Object.keys(WAYS) as (keyof typeof WAYS)[])('marker combinations written with %s, on the server', (way) => {
  it.each(MARK_COMBINATION_CASES)('render the strongest mark into the HTML: %s', (_name, combination) => {
    const html = renderToString(WAYS[way](combination));
    expect(renderedMarks(combination, (id) => attributesOf(html, id), { elementMark, strongestMark })).toEqual(expectedMarks(combination));
  });
});
