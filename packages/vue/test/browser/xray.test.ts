// <VeilXray> in Chromium: the overlay appears while the component is mounted and is gone after.
import { expect, it } from 'vitest';
import { createApp, h } from 'vue';
import { VeilXray } from '../../src/index';

const overlayHost = () => document.querySelector('veil-xray');

it('draws the X-ray while mounted and removes it on unmount', async () => {
  const host = document.createElement('div');
  document.body.append(host);
  const app = createApp({ render: () => [h('input', { id: 'card', autocomplete: 'cc-number' }), h(VeilXray, { options: { privacy: 'relaxed' } })] });
  app.mount(host);
  await expect.poll(() => overlayHost()).not.toBeNull();
  expect(overlayHost()!.getAttribute('data-veil')).toBe('block');
  app.unmount();
  host.remove();
  expect(overlayHost()).toBeNull();
});
