// The shared marker combinations in Chromium: mounted in the browser, and
// hydrated from the HTML vue/server-renderer rendered in node. Either way, on
// one element the strongest mark wins, whichever directive is written first
// and whatever data-veil attribute is beside them; nested elements keep their
// own marks. Hydration also raises the known-limit cells (a stronger data-veil
// attribute beside a directive, which a compiled template's server render
// cannot see: known-limit.test.ts) to the strongest mark, without a hydration
// mismatch warning.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { commands } from 'vitest/browser';
import { createApp, createSSRApp, type App } from 'vue';
import { elementMark, strongestMark } from '@veil/core';
import { MARK_COMBINATION_CASES, WAYS, attributesOfElement, expectedMarks, renderedMarks } from '../combinations';

const core = { elementMark, strongestMark };
let mounted: { app: App; host: HTMLElement } | undefined;

afterEach(() => {
  mounted?.app.unmount();
  mounted?.host.remove();
  mounted = undefined;
  vi.restoreAllMocks();
});

function host(html = ''): HTMLElement {
  const element = document.createElement('div');
  element.innerHTML = html;
  document.body.append(element);
  return element;
}

const marksIn = (element: HTMLElement, combination: (typeof MARK_COMBINATION_CASES)[number][1]) =>
  renderedMarks(combination, (id) => attributesOfElement(element.querySelector(`#${id}`)!), core);

describe.each(Object.keys(WAYS) as (keyof typeof WAYS)[])('marker combinations in a %s, in the browser', (way) => {
  it.each(MARK_COMBINATION_CASES)('render the strongest mark: %s', (_name, combination) => {
    // the known-limit cells warn in development (checked in known-limit.test.ts)
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const app = createApp(WAYS[way](combination));
    mounted = { app, host: host() };
    app.mount(mounted.host);
    expect(marksIn(mounted.host, combination)).toEqual(expectedMarks(combination));
  });

  it.each(MARK_COMBINATION_CASES)('hydrate server-rendered HTML to the strongest mark: %s', async (_name, combination) => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const html = await commands.renderOnServer(way, combination.name);
    const app = createSSRApp(WAYS[way](combination));
    const warnings: string[] = [];
    app.config.warnHandler = (message) => warnings.push(message);
    mounted = { app, host: host(html) };
    app.mount(mounted.host);
    expect(marksIn(mounted.host, combination)).toEqual(expectedMarks(combination));
    expect(warnings).toEqual([]);
  });
});
