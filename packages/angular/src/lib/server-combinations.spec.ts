// The shared marker combinations rendered by @angular/platform-server
// (renderApplication on its DOM emulation, as a server renders a page): the
// HTML carries the strongest mark before any script runs, as the browser does.
// In a file of its own: server rendering marks the page's globals (ngServerMode).
import { bootstrapApplication } from '@angular/platform-browser';
import { provideServerRendering, renderApplication } from '@angular/platform-server';
import { afterAll, describe, expect, it } from 'vitest';
import { elementMark, strongestMark } from '@veil/core';
import { MARK_COMBINATION_CASES, attributesOf, combinationComponent, expectedMarks, renderedMarks } from '../testing/combinations';

afterAll(() => {
  delete (globalThis as { ngServerMode?: boolean }).ngServerMode;
});

function renderOnServer(component: Parameters<typeof bootstrapApplication>[0]): Promise<string> {
  return renderApplication((context) => bootstrapApplication(component, { providers: [provideServerRendering()] }, context), {
    document: '<!doctype html><html><head></head><body><app-root></app-root></body></html>',
  });
}

describe('marker combinations in templates, rendered by the server platform', () => {
  it.each(MARK_COMBINATION_CASES)('render the strongest mark into the HTML: %s', async (_name, combination) => {
    const html = await renderOnServer(combinationComponent(combination));
    expect(renderedMarks(combination, (id) => attributesOf(html, id), { elementMark, strongestMark })).toEqual(expectedMarks(combination));
  });
});
