// The directives render data-veil markers on real elements in Chromium.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApp, createSSRApp, defineComponent, h, nextTick, ref, withDirectives } from 'vue';
import { enableAutoUnmount, mount } from '@vue/test-utils';
import { createVeil, vNoRecord, vSensitive, vUnmask } from '../../src/index';
import { fakeRecorder } from './helpers';

enableAutoUnmount(afterEach);
afterEach(() => vi.restoreAllMocks());

/** The plugin with a stand-in recorder: these tests are about the markers, not recording. */
const plugin = () => createVeil({ recorder: fakeRecorder().recorder, autoStart: false });

describe('v-sensitive, v-no-record and v-unmask', () => {
  it('set data-veil to mask, block and unmask when registered by the plugin', () => {
    const wrapper = mount(
      { template: '<div><p id="s" v-sensitive>a</p><p id="b" v-no-record>b</p><p id="u" v-unmask>c</p></div>' },
      { global: { plugins: [plugin()] } },
    );
    expect(wrapper.get('#s').attributes('data-veil')).toBe('mask');
    expect(wrapper.get('#b').attributes('data-veil')).toBe('block');
    expect(wrapper.get('#u').attributes('data-veil')).toBe('unmask');
  });

  it('work on their own, imported and registered on a component, without the plugin', () => {
    const wrapper = mount({
      directives: { sensitive: vSensitive, noRecord: vNoRecord, unmask: vUnmask },
      template: '<div><p id="s" v-sensitive>a</p><p id="b" v-no-record>b</p><p id="u" v-unmask>c</p></div>',
    });
    expect(wrapper.get('#s').attributes('data-veil')).toBe('mask');
    expect(wrapper.get('#b').attributes('data-veil')).toBe('block');
    expect(wrapper.get('#u').attributes('data-veil')).toBe('unmask');
  });

  it('work in render functions through withDirectives', () => {
    const wrapper = mount(() => withDirectives(h('input', { id: 'i' }), [[vSensitive]]));
    expect(wrapper.get('#i').attributes('data-veil')).toBe('mask');
  });

  it('mark a component used as the element: its root element gets the marker', () => {
    const Card = defineComponent({ template: '<article class="card"><slot /></article>' });
    const wrapper = mount({ components: { Card }, template: '<div><Card v-no-record>x</Card></div>' }, { global: { plugins: [plugin()] } });
    expect(wrapper.get('article.card').attributes('data-veil')).toBe('block');
  });

  it('remove the attribute for a falsy value and put it back for a truthy one', async () => {
    const on = ref<boolean | null>(true);
    const wrapper = mount(
      {
        setup: () => ({ on }),
        template: '<div><p id="s" v-sensitive="on">a</p><p id="b" v-no-record="on">b</p><p id="u" v-unmask="on">c</p></div>',
      },
      { global: { plugins: [plugin()] } },
    );
    const marks = () => ['#s', '#b', '#u'].map((id) => wrapper.get(id).attributes('data-veil') ?? null);
    expect(marks()).toEqual(['mask', 'block', 'unmask']);
    on.value = false;
    await nextTick();
    expect(marks()).toEqual([null, null, null]);
    on.value = true;
    await nextTick();
    expect(marks()).toEqual(['mask', 'block', 'unmask']);
    on.value = null;
    await nextTick();
    expect(marks()).toEqual([null, null, null]);
  });

  it('render no marker when the value is false from the start', () => {
    const wrapper = mount({ directives: { sensitive: vSensitive }, template: '<p v-sensitive="false">a</p>' });
    expect(wrapper.attributes('data-veil')).toBeUndefined();
  });

  it('mark the element before it is inserted into the page, so no observer sees it unmarked', async () => {
    const host = document.createElement('div');
    document.body.append(host);
    const seen: MutationRecord[] = [];
    const observer = new MutationObserver((records) => seen.push(...records));
    observer.observe(host, { subtree: true, childList: true, attributes: true });
    const app = createApp({ template: '<section id="panel" v-sensitive><p>Hello</p></section>' }).use(plugin());
    app.mount(host);
    await nextTick();
    observer.disconnect();
    const panel = host.querySelector('#panel')!;
    expect(panel.getAttribute('data-veil')).toBe('mask');
    const added = seen.flatMap((record) => [...record.addedNodes]);
    expect(added).toContain(panel);
    expect(seen.filter((record) => record.attributeName === 'data-veil')).toEqual([]);
    app.unmount();
    host.remove();
  });

  it('leave a different marker written in the template in place, and warn once, prefixed [veil]', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const on = ref(true);
    const wrapper = mount({
      directives: { unmask: vUnmask },
      setup: () => ({ on }),
      template: '<div><p data-veil="block" v-unmask="on">a</p><p data-veil="mask" v-unmask>b</p></div>',
    });
    expect(wrapper.findAll('p').map((p) => p.attributes('data-veil'))).toEqual(['block', 'mask']);
    on.value = false;
    await nextTick();
    expect(wrapper.findAll('p').map((p) => p.attributes('data-veil'))).toEqual(['block', 'mask']);
    const ours = warn.mock.calls.filter(([message]) => String(message).startsWith('[veil]'));
    expect(ours.map(([message]) => String(message))).toEqual([
      '[veil] v-unmask leaves data-veil="block" on <p> as it is: put one marker on an element, and nest elements to combine them.',
      '[veil] v-unmask leaves data-veil="mask" on <p> as it is: put one marker on an element, and nest elements to combine them.',
    ]);
  });

  it('hydrate server-rendered markers without mismatch warnings, and keep them reactive', async () => {
    // What renderToString produces for this template (see test/node/ssr.test.ts).
    const host = document.createElement('div');
    host.innerHTML = '<section id="panel" data-veil="mask"><p>Margarethe</p></section>';
    document.body.append(host);
    const on = ref(true);
    const warnings: string[] = [];
    const app = createSSRApp({ setup: () => ({ on }), template: '<section id="panel" v-sensitive="on"><p>Margarethe</p></section>' });
    app.config.warnHandler = (message) => warnings.push(message);
    app.use(plugin());
    app.mount(host);
    const panel = host.querySelector('#panel')!;
    expect(warnings).toEqual([]);
    expect(panel.getAttribute('data-veil')).toBe('mask');
    on.value = false;
    await nextTick();
    expect(panel.hasAttribute('data-veil')).toBe(false);
    app.unmount();
    host.remove();
  });
});
