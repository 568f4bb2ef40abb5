import { hydrateRoot, type Root } from 'react-dom/client';
import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Sensitive, useConsent, useRecorder, VeilProvider, type Recorder } from '../src/index';
import { track } from './helpers';

let root: Root | undefined;
let container: HTMLElement | undefined;
afterEach(() => {
  root?.unmount();
  container?.remove();
  vi.restoreAllMocks();
});

describe('hydrating server-rendered HTML', () => {
  it('matches the server HTML (idle, unknown consent), then records and asks for consent', async () => {
    const errors: unknown[] = [];
    vi.spyOn(console, 'error').mockImplementation((...args) => errors.push(args));
    let recorder: Recorder | undefined;
    function Status() {
      const { state, recorder: r } = useRecorder();
      recorder = track(r);
      const consent = useConsent();
      return (
        <p id="status">
          {state}/{consent.state}
        </p>
      );
    }
    const app = (
      <VeilProvider options={{ transport: () => undefined, requireConsent: true }}>
        <Status />
        <Sensitive as="section">Ada Lovelace</Sensitive>
      </VeilProvider>
    );
    container = document.createElement('div');
    container.innerHTML = renderToString(app);
    document.body.append(container);
    expect(container.querySelector('section')!.getAttribute('data-veil')).toBe('mask');
    expect(container.querySelector('#status')!.textContent).toBe('idle/unknown');

    const recoverable: unknown[] = [];
    root = hydrateRoot(container, app, { onRecoverableError: (error) => recoverable.push(error) });
    await expect.poll(() => container!.querySelector('#status')!.textContent).toBe('awaiting-consent/pending');
    expect(recorder!.state).toBe('awaiting-consent');
    expect(recoverable).toEqual([]);
    expect(errors).toEqual([]);
  });
});
