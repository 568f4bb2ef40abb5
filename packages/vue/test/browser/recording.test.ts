// What the recorder sends when Vue switches the directives on and off while it
// records: a function transport collects the batches in the page.
import { afterEach, describe, expect, it } from 'vitest';
import { PRIVACY_MODES } from '@veil/core';
import { nextTick, ref } from 'vue';
import { mount, type VueWrapper } from '@vue/test-utils';
import type { PrivacyMode } from '@veil/core';
import { createVeil, vNoRecord, vSensitive } from '../../src/index';
import { collectingTransport, settle } from './helpers';

let current: { wrapper: VueWrapper; stop: () => void } | undefined;
afterEach(() => {
  current?.wrapper.unmount();
  current?.stop();
  current = undefined;
});

/** Mounts `component` into the page with the plugin recording in `privacy` mode. */
function record(component: object, privacy: PrivacyMode = 'balanced') {
  const sink = collectingTransport();
  const veil = createVeil({ privacy, transport: sink.transport, flushInterval: 60_000 });
  const wrapper = mount(component, { attachTo: document.body, global: { plugins: [veil] } });
  current = { wrapper, stop: () => veil.recorder.stop({ discard: true }) };
  expect(veil.recorder.state).toBe('recording');
  return {
    /** Everything sent so far, after letting the recorder catch up with the page. */
    async sent() {
      await nextTick();
      await settle();
      await veil.recorder.flush();
      return sink.json();
    },
  };
}

describe('directives while recording', () => {
  it('masks text that a region gets after v-sensitive was switched on during the recording', async () => {
    const on = ref(false);
    const note = ref('Ordinary note Alpha-Lumen');
    const rec = record({
      directives: { sensitive: vSensitive },
      setup: () => ({ on, note }),
      template: '<section id="region" v-sensitive="on"><p>{{ note }}</p></section><p>Page footer Brisk-Oak</p>',
    });
    expect(await rec.sent()).toContain('Ordinary note Alpha-Lumen');
    on.value = true;
    await nextTick();
    expect(document.getElementById('region')!.getAttribute('data-veil')).toBe('mask');
    note.value = 'Later secret Zeta-4417-Quill';
    const json = await rec.sent();
    expect(json).not.toContain('Zeta-4417');
    expect(json).toContain('"data-veil":"mask"');
    expect(json).toContain('Page footer Brisk-Oak');
  });

  it('masks new text written in the same update that switches v-sensitive on', async () => {
    const on = ref(false);
    const note = ref('Ordinary note Beta-Fern');
    const rec = record({
      directives: { sensitive: vSensitive },
      setup: () => ({ on, note }),
      template: '<section v-sensitive="on"><p>{{ note }}</p></section>',
    });
    expect(await rec.sent()).toContain('Ordinary note Beta-Fern');
    on.value = true;
    note.value = 'Same tick secret Kestrel-9920';
    expect(await rec.sent()).not.toContain('Kestrel-9920');
  });

  it('records a region again once v-sensitive is switched off', async () => {
    const on = ref(true);
    const note = ref('Hidden note Gamma-Reed-5521');
    const rec = record({
      directives: { sensitive: vSensitive },
      setup: () => ({ on, note }),
      template: '<section v-sensitive="on"><p>{{ note }}</p></section><p>Visible footer Delta-Moss</p>',
    });
    const first = await rec.sent();
    expect(first).toContain('Visible footer Delta-Moss');
    expect(first).not.toContain('Gamma-Reed-5521');
    on.value = false;
    await nextTick();
    note.value = 'Public note Epsilon-Wren';
    expect(await rec.sent()).toContain('Public note Epsilon-Wren');
  });

  it('sends nothing about content added to a region after v-no-record was switched on', async () => {
    const on = ref(false);
    const messages = ref(['Chat hello Iota-Birch']);
    const rec = record({
      directives: { noRecord: vNoRecord },
      setup: () => ({ on, messages }),
      template: '<ol v-no-record="on"><li v-for="m in messages" :key="m">{{ m }}</li></ol>',
    });
    expect(await rec.sent()).toContain('Chat hello Iota-Birch');
    on.value = true;
    await nextTick();
    messages.value = [...messages.value, 'Chat secret Kappa-Thorn-7730'];
    expect(await rec.sent()).not.toContain('Kappa-Thorn-7730');
  });

  it('keeps text of regions marked from the first render out of the first snapshot, in every mode', async () => {
    for (const privacy of PRIVACY_MODES) {
      const rec = record(
        {
          template:
            '<div><section v-sensitive><p>Masked customer Lambda-Quartz</p><input value="Masked value Mu-Ember" /></section>' +
            '<aside v-no-record><p>Blocked chat Nu-Slate</p></aside>' +
            '<p v-unmask>Unmasked notice Xi-Harbor</p></div>',
        },
        privacy,
      );
      const json = await rec.sent();
      expect(json, privacy).not.toContain('Lambda-Quartz');
      expect(json, privacy).not.toContain('Mu-Ember');
      expect(json, privacy).not.toContain('Nu-Slate');
      expect(json, privacy).toContain('Unmasked notice Xi-Harbor');
      current!.wrapper.unmount();
      current!.stop();
      current = undefined;
    }
  });
});
