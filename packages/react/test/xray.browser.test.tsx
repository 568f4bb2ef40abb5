// <VeilXray> in Chromium: the overlay appears while it is mounted, shows the
// options it is given, and is gone after unmount.
import { expect, it } from 'vitest';
import { render } from 'vitest-browser-react';
import { Sensitive, VeilProvider, VeilXray } from '../src/index';

const overlayHost = () => document.querySelector('veil-xray');

it('draws the X-ray while mounted and removes it on unmount', async () => {
  const screen = await render(
    <form>
      <label>
        Card number <input id="card" autoComplete="cc-number" />
      </label>
      <Sensitive>
        <p id="secret">Hidden notes</p>
      </Sensitive>
      <VeilXray options={{ privacy: 'relaxed' }} />
    </form>,
  );
  await expect.poll(() => overlayHost()).not.toBeNull();
  expect(overlayHost()!.getAttribute('data-veil')).toBe('block');
  await screen.unmount();
  expect(overlayHost()).toBeNull();
});

it('<VeilProvider> draws the X-ray of its options when the URL has ?veil-xray, and nothing without it', async () => {
  const search = location.search;
  const withQuery = (query: string) => history.replaceState(null, '', `${location.pathname}${query}${location.hash}`);
  try {
    withQuery('?veil-xray');
    const screen = await render(
      <VeilProvider options={{ transport: () => undefined, autoStart: false, privacy: 'relaxed' }}>
        <input id="coupon" />
      </VeilProvider>,
    );
    await expect.poll(() => overlayHost()).not.toBeNull();
    await screen.unmount();
    expect(overlayHost()).toBeNull();
    withQuery('');
    const again = await render(
      <VeilProvider options={{ transport: () => undefined, autoStart: false }}>
        <input id="coupon" />
      </VeilProvider>,
    );
    // as long as the X-ray took to appear above: the module is loaded, frames have passed
    await import('@veil/core/xray');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(overlayHost()).toBeNull();
    await again.unmount();
  } finally {
    withQuery(search);
  }
});
