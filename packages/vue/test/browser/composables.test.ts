// useRecorder and useConsent: reactive state from the recorder, consent, and
// the errors they throw outside an app with the plugin.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApp, defineComponent, effectScope, nextTick, type App } from 'vue';
import { enableAutoUnmount, mount } from '@vue/test-utils';
import { createVeil, useConsent, useRecorder, type UseConsentReturn, type UseRecorderReturn } from '../../src/index';
import { collectingTransport, fakeRecorder, settle } from './helpers';

enableAutoUnmount(afterEach);
afterEach(() => vi.restoreAllMocks());

describe('outside an app with the plugin', () => {
  it('useRecorder and useConsent throw an error that says to install the plugin when called outside setup()', () => {
    expect(() => useRecorder()).toThrow(
      '[veil] useRecorder() found no recorder. Install the plugin with app.use(createVeil({ transport }))',
    );
    expect(() => useConsent()).toThrow('[veil] useConsent() found no recorder. Install the plugin with app.use(createVeil({ transport }))');
  });

  it('useRecorder and useConsent throw the same error in a component of an app without the plugin', () => {
    for (const [name, composable] of [
      ['useRecorder', useRecorder],
      ['useConsent', useConsent],
    ] as const) {
      const errors: unknown[] = [];
      const app = createApp({ setup: () => void composable(), template: '<p />' });
      app.config.errorHandler = (error) => void errors.push(error);
      app.mount(document.createElement('div'));
      app.unmount();
      expect(errors).toHaveLength(1);
      expect(String(errors[0])).toContain(`[veil] ${name}() found no recorder. Install the plugin with app.use(createVeil(`);
    }
  });
});

/** Mounts a component that calls both composables and hands back what they returned. */
function withComposables(recorder = fakeRecorder()) {
  let rec!: UseRecorderReturn;
  let consent!: UseConsentReturn;
  const wrapper = mount(
    {
      setup() {
        rec = useRecorder();
        consent = useConsent();
        return { state: rec.state, awaiting: consent.awaiting, decision: consent.decision };
      },
      template: '<p>{{ state }} {{ awaiting }} {{ decision }}</p>',
    },
    { global: { plugins: [createVeil({ recorder: recorder.recorder, autoStart: false })] } },
  );
  return { wrapper, fake: recorder, rec: () => rec, consent: () => consent };
}

describe('useRecorder', () => {
  it('gives the state and session id as refs that follow the recorder', async () => {
    const { wrapper, fake, rec } = withComposables();
    expect(rec().state.value).toBe('idle');
    expect(rec().sessionId.value).toBeNull();
    rec().start();
    expect(rec().state.value).toBe('recording');
    expect(rec().sessionId.value).toBe(fake.recorder.sessionId);
    await nextTick();
    expect(wrapper.text()).toContain('recording');
    rec().stop();
    expect(rec().state.value).toBe('stopped');
  });

  it('forwards flush, mask, block and unmask to the recorder', async () => {
    const { fake, rec } = withComposables();
    await rec().flush();
    rec().mask('.a');
    rec().block('.b');
    rec().unmask('.c');
    expect(fake.calls).toEqual(['flush', 'mask', 'block', 'unmask']);
  });

  it('stops listening to the recorder when the component unmounts', () => {
    const { wrapper, fake } = withComposables();
    expect(fake.listenerCount()).toBe(2); // useRecorder and useConsent
    wrapper.unmount();
    expect(fake.listenerCount()).toBe(0);
  });

  it('stops listening when an effect scope it was called in is stopped', () => {
    const fake = fakeRecorder();
    const app = createApp({ template: '<p />' }).use(createVeil({ recorder: fake.recorder, autoStart: false }));
    const scope = effectScope();
    const state = app.runWithContext(() => scope.run(() => useRecorder().state))!;
    fake.set('recording');
    expect(state.value).toBe('recording');
    scope.stop();
    expect(fake.listenerCount()).toBe(0);
  });

  it('warns once, prefixed [veil], when called where nothing can stop its subscription', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const fake = fakeRecorder();
    const app: App = createApp({ template: '<p />' }).use(createVeil({ recorder: fake.recorder, autoStart: false }));
    app.runWithContext(() => useRecorder());
    app.runWithContext(() => useRecorder());
    const ours = warn.mock.calls.filter(([message]) => String(message).startsWith('[veil]'));
    expect(ours).toHaveLength(1);
    expect(String(ours[0][0])).toContain('outside a component or effect scope');
  });
});

describe('useConsent', () => {
  it('is awaiting until grant(), recording after it, and awaiting again after revoke(), with the decision', async () => {
    const { fake, consent, wrapper } = withComposables(fakeRecorder('awaiting-consent'));
    expect(consent().awaiting.value).toBe(true);
    expect(consent().decision.value).toBeNull();
    consent().grant();
    expect(consent().state.value).toBe('recording');
    expect(consent().awaiting.value).toBe(false);
    expect(consent().decision.value).toBe('granted');
    await nextTick();
    expect(wrapper.text()).toBe('recording false granted');
    consent().revoke();
    expect(consent().awaiting.value).toBe(true);
    expect(consent().decision.value).toBe('revoked');
    expect(fake.calls).toEqual(['grantConsent', 'revokeConsent']);
  });

  it('shares the decision between the components of an app', async () => {
    const { recorder } = fakeRecorder('awaiting-consent');
    const Banner = defineComponent({ setup: () => useConsent(), template: '<button id="yes" @click="grant">yes</button>' });
    const Status = defineComponent({ setup: () => useConsent(), template: '<span id="status">{{ decision ?? "none" }}</span>' });
    const wrapper = mount(
      { components: { Banner, Status }, template: '<div><Banner /><Status /></div>' },
      { global: { plugins: [createVeil({ recorder, autoStart: false })] } },
    );
    expect(wrapper.get('#status').text()).toBe('none');
    await wrapper.get('#yes').trigger('click');
    expect(wrapper.get('#status').text()).toBe('granted');
  });

  it('records only after grant() with a real recorder that requires consent, and discards on revoke()', async () => {
    const sink = collectingTransport();
    const veil = createVeil({ privacy: 'balanced', requireConsent: true, transport: sink.transport, flushInterval: 60_000 });
    let consent!: UseConsentReturn;
    const Page = defineComponent({
      setup: () => void (consent = useConsent()),
      template: '<p>Consent paragraph text</p>',
    });
    const wrapper = mount(Page, { attachTo: document.body, global: { plugins: [veil] } });
    try {
      expect(consent.state.value).toBe('awaiting-consent');
      await settle();
      await veil.recorder.flush();
      expect(sink.batches).toEqual([]);
      consent.grant();
      expect(consent.state.value).toBe('recording');
      await settle();
      await veil.recorder.flush();
      expect(sink.json()).toContain('Consent paragraph text');
      const sent = sink.batches.length;
      consent.revoke();
      expect(consent.state.value).toBe('awaiting-consent');
      await veil.recorder.flush();
      expect(sink.batches.length).toBe(sent);
    } finally {
      wrapper.unmount();
      veil.recorder.stop({ discard: true });
    }
  });
});
