// <VeilXray> in Chromium: the overlay appears while the component is mounted and is gone after.
import { expect, it } from 'vitest';
import { createApp, h } from 'vue';
import { VeilXray, createVeil } from '../../src/index';

const overlayHost = () => document.querySelector('veil-xray');

it('draws the X-ray while mounted and removes it on unmount', async () => {
  const host = document.createElement('div');
  document.body.append(host);
  const app = createApp({
    render: () => [h('input', { id: 'card', autocomplete: 'cc-number' }), h(VeilXray, { options: { privacy: 'relaxed' } })],
  });
  app.mount(host);
  await expect.poll(() => overlayHost()).not.toBeNull();
  expect(overlayHost()!.getAttribute('data-veil')).toBe('block');
  app.unmount();
  host.remove();
  expect(overlayHost()).toBeNull();
});

it('createVeil() draws the X-ray of its options when the URL has ?veil-xray, and nothing without it', async () => {
  const search = location.search;
  const withQuery = (query: string) => history.replaceState(null, '', `${location.pathname}${query}${location.hash}`);
  const mount = () => {
    const host = document.createElement('div');
    document.body.append(host);
    const app = createApp({ render: () => h('input', { id: 'coupon' }) });
    app.use(createVeil({ transport: () => undefined, autoStart: false, privacy: 'relaxed' }));
    app.mount(host);
    return () => {
      app.unmount();
      host.remove();
    };
  };
  try {
    withQuery('?veil-xray');
    let unmount = mount();
    await expect.poll(() => overlayHost()).not.toBeNull();
    unmount();
    expect(overlayHost()).toBeNull();
    withQuery('');
    unmount = mount();
    // as long as the X-ray took to appear above: the module is loaded, frames have passed
    await import('@veil/core/xray');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(overlayHost()).toBeNull();
    unmount();
  } finally {
    withQuery(search);
  }
});
