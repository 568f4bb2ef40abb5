// The plugin's life in a real browser: it provides one recorder, starts it on
// install and stops it when the app unmounts.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApp, defineComponent, inject, type App } from 'vue';
import { createRecorder, type Recorder } from '@veil/core';
import { createVeil, recorderKey, useRecorder } from '../../src/index';
import { collectingTransport, fakeRecorder, settle } from './helpers';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
  vi.restoreAllMocks();
});

/** Mounts `component` in a fresh element of the page; unmounted after the test. */
function mountApp(component: object, ...plugins: { install(app: App): void }[]) {
  const host = document.createElement('div');
  document.body.append(host);
  const app = createApp(component);
  for (const plugin of plugins) app.use(plugin);
  app.mount(host);
  let mounted = true;
  const unmount = () => {
    if (mounted) app.unmount();
    mounted = false;
    host.remove();
  };
  cleanups.push(unmount);
  return { app, host, unmount };
}

/** Stops `recorder` after the test, whatever happened. */
function track<T extends Recorder>(recorder: T): T {
  cleanups.push(() => recorder.stop({ discard: true }));
  return recorder;
}

describe('createVeil', () => {
  it('provides one recorder to every component through recorderKey', () => {
    const veil = createVeil({ transport: () => undefined, autoStart: false });
    const seen: unknown[] = [];
    const Child = defineComponent({ setup: () => void seen.push(inject(recorderKey), useRecorder().recorder), template: '<i />' });
    mountApp({ components: { Child }, template: '<div><Child /><Child /></div>' }, veil);
    expect(seen).toHaveLength(4);
    for (const recorder of seen) expect(recorder).toBe(veil.recorder);
  });

  it('starts recording when installed in the browser and stops when the app unmounts, sending what it held', async () => {
    const sink = collectingTransport();
    const veil = createVeil({ privacy: 'balanced', transport: sink.transport, flushInterval: 60_000 });
    track(veil.recorder);
    const { unmount } = mountApp({ template: '<p>Plugin lifecycle paragraph</p>' }, veil);
    expect(veil.recorder.state).toBe('recording');
    await settle();
    expect(sink.batches).toEqual([]); // nothing sent yet: the interval is a minute
    unmount();
    expect(veil.recorder.state).toBe('stopped');
    expect(sink.batches.length).toBeGreaterThan(0);
    expect(sink.json()).toContain('Plugin lifecycle paragraph');
  });

  it('with autoStart: false leaves the recorder idle until the app starts it, and still stops it on unmount', () => {
    const veil = createVeil({ transport: () => undefined, autoStart: false });
    track(veil.recorder);
    let start = () => {};
    const { unmount } = mountApp({ setup: () => void (start = useRecorder().start), template: '<p>x</p>' }, veil);
    expect(veil.recorder.state).toBe('idle');
    start();
    expect(veil.recorder.state).toBe('recording');
    unmount();
    expect(veil.recorder.state).toBe('stopped');
  });

  it('uses a recorder created elsewhere as it is, and leaves it running on unmount when it did not start it', () => {
    const recorder = track(createRecorder({ transport: () => undefined }));
    recorder.start();
    const veil = createVeil({ recorder, autoStart: false });
    expect(veil.recorder).toBe(recorder);
    const { unmount } = mountApp({ template: '<p>x</p>' }, veil);
    unmount();
    expect(recorder.state).toBe('recording');
  });

  it('starts a recorder created elsewhere with autoStart, and then stops it on unmount', () => {
    const fake = fakeRecorder();
    const { unmount } = mountApp({ template: '<p>x</p>' }, createVeil({ recorder: fake.recorder }));
    expect(fake.calls).toEqual(['start']);
    unmount();
    expect(fake.calls).toEqual(['start', 'stop']);
  });

  it('waits for consent when the recorder requires it', () => {
    const veil = createVeil({ transport: () => undefined, requireConsent: true });
    track(veil.recorder);
    mountApp({ template: '<p>x</p>' }, veil);
    expect(veil.recorder.state).toBe('awaiting-consent');
  });

  it('registers v-sensitive, v-no-record and v-unmask on the app', () => {
    const { host } = mountApp(
      { template: '<div><p v-sensitive>a</p><p v-no-record>b</p><p v-unmask>c</p></div>' },
      createVeil({ recorder: fakeRecorder().recorder, autoStart: false }),
    );
    expect([...host.querySelectorAll('p')].map((p) => p.getAttribute('data-veil'))).toEqual(['mask', 'block', 'unmask']);
  });

  it('passes recorder options to the core, whose errors name the bad option', () => {
    expect(() => createVeil({ transport: () => undefined, privacy: 'loose' as 'strict' })).toThrow(/privacy/);
    expect(() => createVeil({ transport: () => undefined, autoStrat: true } as never)).toThrow(/Unknown option "autoStrat"/);
  });

  it('throws when given both a recorder and recorder options, no options, or a bad autoStart', () => {
    const { recorder } = fakeRecorder();
    expect(() => createVeil({ recorder, privacy: 'strict' } as never)).toThrow(/either recorder options or \{ recorder \}/);
    expect(() => createVeil({ recorder: 'nope' } as never)).toThrow(/createRecorder\(\)/);
    expect(() => createVeil(undefined as never)).toThrow(/\[veil\] createVeil\(options\)/);
    expect(() => createVeil({ transport: () => undefined, autoStart: 'yes' as never })).toThrow(
      '[veil] Invalid option "autoStart": expected true or false',
    );
  });

  it('lets the core refuse a second recording on the same page with its error', () => {
    const first = createVeil({ transport: () => undefined });
    track(first.recorder);
    mountApp({ template: '<p>x</p>' }, first);
    const second = createVeil({ transport: () => undefined });
    track(second.recorder);
    expect(() => createApp({ template: '<p>y</p>' }).use(second)).toThrow(/Another recorder is already recording/);
  });
});
