// The shared marker combinations rendered by vue/server-renderer in plain
// node, from templates (compiled for the server at run time, as an app's
// build compiles them) and from render functions: the HTML carries the
// strongest mark before the page hydrates. The cells of the known limit (a
// stronger data-veil attribute beside a directive in a compiled template) say
// so in their names, check what the server renders, and are checked after
// hydration in test/browser/combinations.test.ts.
import { describe, expect, it } from 'vitest';
import { createSSRApp, defineComponent } from 'vue';
import { renderToString } from 'vue/server-renderer';
import { elementMark, strongestMark } from '@veil/core';
import { vNoRecord, vSensitive, vUnmask } from '../../src/index';
import {
  COMPONENT_ROOTS,
  MARK_COMBINATION_CASES,
  WAYS,
  attributesOf,
  compiledServerMarks,
  componentRoot,
  expectedMarks,
  renderedMarks,
  serverCannotSee,
} from '../combinations';

const core = { elementMark, strongestMark };
const directives = { sensitive: vSensitive, noRecord: vNoRecord, unmask: vUnmask };
const exact = MARK_COMBINATION_CASES.filter(([, combination]) => !serverCannotSee(combination));
const limited = MARK_COMBINATION_CASES.filter(([, combination]) => serverCannotSee(combination));

describe('marker combinations in templates, rendered on the server', () => {
  it.each(exact)('render the strongest mark into the HTML: %s', async (_name, combination) => {
    const html = await renderToString(createSSRApp(WAYS.template(combination)));
    expect(renderedMarks(combination, (id) => attributesOf(html, id), core)).toEqual(expectedMarks(combination));
  });

  it.each(limited)(
    'known limit, raised at hydration: render the directives’ mark, not the stronger data-veil attribute beside them: %s',
    async (_name, combination) => {
      const html = await renderToString(createSSRApp(WAYS.template(combination)));
      expect(renderedMarks(combination, (id) => attributesOf(html, id), core)).toEqual(compiledServerMarks(combination));
    },
  );
});

describe('marker combinations in render functions, rendered on the server', () => {
  it.each(MARK_COMBINATION_CASES)('render the strongest mark into the HTML: %s', async (_name, combination) => {
    const html = await renderToString(createSSRApp(WAYS['render function'](combination)));
    expect(renderedMarks(combination, (id) => attributesOf(html, id), core)).toEqual(expectedMarks(combination));
  });
});

describe('markers on a component and its root element, rendered on the server from templates', () => {
  const exactRoots = COMPONENT_ROOTS.filter((row) => row.server === row.mark).map((row) => [row.name, row] as const);
  const limitedRoots = COMPONENT_ROOTS.filter((row) => row.server !== row.mark).map((row) => [row.name, row] as const);

  it.each(exactRoots)('render the strongest mark on the root element: %s', async (_name, row) => {
    const html = await renderToString(createSSRApp(componentRoot(row)));
    expect(attributesOf(html, 'parent')['data-veil']).toBe(row.mark);
  });

  it.each(limitedRoots)('known limit, raised at hydration: render the root element’s own mark: %s', async (_name, row) => {
    const html = await renderToString(createSSRApp(componentRoot(row)));
    expect(attributesOf(html, 'parent')['data-veil']).toBe(row.server);
  });
});

describe('directives of one element, rendered on the server from templates', () => {
  it('agree within each element and not across elements, in lists, components and nesting', async () => {
    const Card = defineComponent({ directives, template: '<article><b id="inner" v-no-record>in</b><slot /></article>' });
    const app = createSSRApp({
      components: { Card },
      directives,
      template:
        '<div id="outer" v-sensitive>' +
        '<li v-for="n in 3" :id="`item${n}`" v-unmask v-no-record>x</li><li id="after" v-unmask>y</li>' +
        '<Card id="card" v-unmask>c</Card><span id="span" v-unmask v-sensitive>s</span><i id="plain">p</i></div>',
    });
    const html = await renderToString(app);
    const mark = (id: string) => attributesOf(html, id)['data-veil'] ?? null;
    expect(['outer', 'item1', 'item2', 'item3', 'after', 'card', 'inner', 'span', 'plain'].map(mark)).toEqual([
      'mask',
      'block',
      'block',
      'block',
      'unmask',
      'unmask',
      'block',
      'mask',
      null,
    ]);
  });
});
