// The known limit of compiled templates (README, "Combining markers"): their
// server render calls each directive without the element's vnode, so it
// cannot see a data-veil attribute on the element, written there or fallen
// through from a component, nor a directive written on the component whose
// root the element is. Where one of those is stronger than the element's own
// directives, the server-rendered HTML shows the directives' mark; hydration
// raises it to the strongest, and a development warning says so once.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { commands } from 'vitest/browser';
import { createApp, createSSRApp, type App } from 'vue';
import { COMPONENT_ROOTS, MARK_COMBINATION_CASES, WAYS, componentRoot, serverCannotSee } from '../combinations';

let mounted: { app: App; host: HTMLElement } | undefined;

afterEach(() => {
  mounted?.app.unmount();
  mounted?.host.remove();
  mounted = undefined;
  vi.restoreAllMocks();
});

const limited = MARK_COMBINATION_CASES.filter(([, combination]) => serverCannotSee(combination));

describe('a data-veil attribute stronger than the directives beside it, in a compiled template', () => {
  it('is in these cells of the combination table', () => {
    expect(limited.map(([name]) => name)).toEqual([
      'sensitive + data-veil="block" on one element: block',
      'unmask + data-veil="mask" on one element: mask',
      'unmask + data-veil="block" on one element: block',
    ]);
  });

  it.each(limited)('is rendered weaker by the server, raised at hydration and warned about once: %s', async (_name, combination) => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { parent } = combination;
    const html = await commands.renderOnServer('template', combination.name);
    const host = document.createElement('div');
    host.innerHTML = html;
    document.body.append(host);
    const section = host.querySelector('#parent')!;
    expect(section.getAttribute('data-veil')).not.toBe(parent.mark);

    const app = createSSRApp(WAYS.template(combination));
    const vueWarnings: string[] = [];
    app.config.warnHandler = (message) => vueWarnings.push(message);
    mounted = { app, host };
    app.mount(host);
    expect(host.querySelector('#parent')).toBe(section);
    expect(section.getAttribute('data-veil')).toBe(parent.mark);
    expect(vueWarnings).toEqual([]);
    const ours = warn.mock.calls.map(([message]) => String(message)).filter((message) => message.startsWith('[veil]'));
    expect(ours).toEqual([
      expect.stringMatching(
        new RegExp(`^\\[veil\\] v-\\S+ leaves data-veil="${parent.attribute}" on <section> as it is: put one marker on an element`),
      ),
    ]);
  });
});

describe('markers on a component and on its root element', () => {
  const rows = COMPONENT_ROOTS.map((row) => [row.name, row] as const);

  it.each(rows)('hydrate to the strongest mark, warning once where the server rendered a weaker one: %s', async (_name, row) => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const host = document.createElement('div');
    host.innerHTML = await commands.renderOnServer('component root', row.name);
    document.body.append(host);
    expect(host.querySelector('#parent')!.getAttribute('data-veil')).toBe(row.server);
    const app = createSSRApp(componentRoot(row));
    const vueWarnings: string[] = [];
    app.config.warnHandler = (message) => vueWarnings.push(message);
    mounted = { app, host };
    app.mount(host);
    expect(host.querySelector('#parent')!.getAttribute('data-veil')).toBe(row.mark);
    expect(vueWarnings).toEqual([]);
    const ours = warn.mock.calls.map(([message]) => String(message)).filter((message) => message.startsWith('[veil]'));
    expect(ours).toEqual(row.warning ? [expect.stringMatching(row.warning)] : []);
  });

  // after the hydration tests: the warnings are shown once per page
  it.each(rows)('render the strongest mark on the root element when mounted: %s', (_name, row) => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const host = document.createElement('div');
    document.body.append(host);
    mounted = { app: createApp(componentRoot(row)), host };
    mounted.app.mount(host);
    expect(host.querySelector('#parent')!.getAttribute('data-veil')).toBe(row.mark);
  });
});
