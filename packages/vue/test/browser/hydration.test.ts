// Hydrating server-rendered HTML with the consent banner of the README, as a
// Nuxt app does: the composables must render what the server rendered (an
// idle recorder) until the component is mounted, then the live state.
import { nextTick } from 'vue';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { commands } from 'vitest/browser';
import { consentApp } from '../consent-app';

afterEach(() => vi.restoreAllMocks());

describe('hydrating server-rendered HTML', () => {
  it('renders the server values while hydrating, without a mismatch, then the live state and the banner', async () => {
    const html = await commands.renderConsentApp();
    expect(html).toBe('<main><p id="state">idle/unknown</p><!----></main>');
    const container = document.createElement('div');
    container.innerHTML = html;
    document.body.append(container);
    const warn = vi.spyOn(console, 'warn');
    const error = vi.spyOn(console, 'error');
    const app = consentApp();
    try {
      app.mount(container);
      await nextTick();
      expect(container.querySelector('#state')!.textContent).toBe('awaiting-consent/pending');
      expect(container.querySelector('#banner')).not.toBeNull();
      const said = [...warn.mock.calls, ...error.mock.calls].map((args) => args.map(String).join(' '));
      expect(said.filter((line) => /hydration/i.test(line))).toEqual([]);
      (container.querySelector('#allow') as HTMLButtonElement).click();
      await nextTick();
      expect(container.querySelector('#state')!.textContent).toBe('recording/granted');
      expect(container.querySelector('#banner')).toBeNull();
    } finally {
      app.unmount();
      container.remove();
    }
  });

  it('renders the live state at once when the app is rendered in the browser, not hydrated', async () => {
    const container = document.createElement('div');
    document.body.append(container);
    // createSSRApp into an empty container renders, as createApp does
    const app = consentApp();
    try {
      app.mount(container);
      expect(container.querySelector('#state')!.textContent).toBe('awaiting-consent/pending');
    } finally {
      app.unmount();
      container.remove();
    }
  });
});
