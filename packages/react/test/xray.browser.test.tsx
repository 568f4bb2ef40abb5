// <VeilXray> in Chromium: the overlay appears while it is mounted, shows the
// options it is given, and is gone after unmount.
import { expect, it } from 'vitest';
import { render } from 'vitest-browser-react';
import { Sensitive, VeilXray } from '../src/index';

const overlayHost = () => document.querySelector('veil-xray');

it('draws the X-ray while mounted and removes it on unmount', async () => {
  const screen = await render(
    <form>
      <label>Card number <input id="card" autoComplete="cc-number" /></label>
      <Sensitive><p id="secret">Hidden notes</p></Sensitive>
      <VeilXray options={{ privacy: 'relaxed' }} />
    </form>,
  );
  await expect.poll(() => overlayHost()).not.toBeNull();
  expect(overlayHost()!.getAttribute('data-veil')).toBe('block');
  await screen.unmount();
  expect(overlayHost()).toBeNull();
});
