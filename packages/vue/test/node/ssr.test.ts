// Server-side rendering in plain node (no window, no document): the HTML that
// vue/server-renderer produces already carries the data-veil markers, so the
// page is marked before it hydrates and before any recording starts.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSSRApp, defineComponent, h, withDirectives } from 'vue';
import { renderToString } from 'vue/server-renderer';

type VeilVue = typeof import('../../src/index');

const BROWSER_GLOBALS = ['window', 'document', 'navigator', 'location', 'localStorage', 'sessionStorage'] as const;
const touched: string[] = [];
let veil: VeilVue;

beforeAll(async () => {
  // Any read of a browser global from here on is noted (and answers undefined, as on a server).
  for (const name of BROWSER_GLOBALS) {
    const had = Object.getOwnPropertyDescriptor(globalThis, name);
    if (had && name !== 'navigator') throw new Error(`${name} is defined in this node environment`);
    Object.defineProperty(globalThis, name, {
      configurable: true,
      get() {
        touched.push(name);
        return undefined;
      },
    });
    if (had) restore.push(() => Object.defineProperty(globalThis, name, had));
    else restore.push(() => delete (globalThis as Record<string, unknown>)[name]);
  }
  veil = await import('../../src/index');
});

const restore: (() => void)[] = [];
afterAll(() => restore.forEach((undo) => undo()));

describe('@veil/vue on the server', () => {
  it('imports without touching window, document or any other browser global', () => {
    expect(touched).toEqual([]);
    expect(typeof veil.createVeil).toBe('function');
  });

  it('renders data-veil markers into the HTML of templates using the plugin’s directives', async () => {
    const app = createSSRApp({
      template:
        '<main><section v-sensitive><p>Margarethe Quellbrunn</p></section>' +
        '<aside v-no-record>chat</aside><p v-unmask>Free shipping</p></main>',
    });
    app.use(veil.createVeil({ transport: () => undefined }));
    const html = await renderToString(app);
    expect(html).toBe(
      '<main><section data-veil="mask"><p>Margarethe Quellbrunn</p></section>' +
        '<aside data-veil="block">chat</aside><p data-veil="unmask">Free shipping</p></main>',
    );
  });

  it('renders markers for directives imported on their own, in templates and render functions', async () => {
    const Template = defineComponent({
      directives: { sensitive: veil.vSensitive, noRecord: veil.vNoRecord },
      template: '<div><input v-sensitive value="x"><ol v-no-record><li>a</li></ol></div>',
    });
    const Render = defineComponent({
      render: () => withDirectives(h('section', 'Customer'), [[veil.vSensitive]]),
    });
    expect(await renderToString(createSSRApp(Template))).toBe(
      '<div><input value="x" data-veil="mask"><ol data-veil="block"><li>a</li></ol></div>',
    );
    expect(await renderToString(createSSRApp(Render))).toBe('<section data-veil="mask">Customer</section>');
  });

  it('follows the bound value: false or null renders no marker, true renders it', async () => {
    const app = createSSRApp({
      directives: { sensitive: veil.vSensitive },
      data: () => ({ yes: true, no: false, none: null }),
      template: '<div><p v-sensitive="yes">a</p><p v-sensitive="no">b</p><p v-sensitive="none">c</p></div>',
    });
    expect(await renderToString(app)).toBe('<div><p data-veil="mask">a</p><p>b</p><p>c</p></div>');
  });

  it('marks the root element of a component carrying a directive', async () => {
    const Card = defineComponent({ template: '<article class="card"><slot /></article>' });
    const app = createSSRApp({
      components: { Card },
      directives: { noRecord: veil.vNoRecord },
      template: '<div><Card v-no-record>chat</Card></div>',
    });
    expect(await renderToString(app)).toBe('<div><article class="card" data-veil="block"><!--[-->chat<!--]--></article></div>');
  });

  it('provides an idle recorder to components and never starts it, with no warning', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const plugin = veil.createVeil({ transport: () => undefined, requireConsent: true });
    let seen: { state: string; awaiting: boolean; sessionId: string | null } | undefined;
    const app = createSSRApp({
      setup() {
        const { state, sessionId } = veil.useRecorder();
        const { awaiting } = veil.useConsent();
        seen = { state: state.value, awaiting: awaiting.value, sessionId: sessionId.value };
        return () => h('p', state.value);
      },
    });
    app.use(plugin);
    expect(await renderToString(app)).toBe('<p>idle</p>');
    expect(seen).toEqual({ state: 'idle', awaiting: false, sessionId: null });
    expect(plugin.recorder.state).toBe('idle');
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });
});
