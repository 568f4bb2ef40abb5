// Plain node, as on a server: no window, no document.
import { afterEach, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { renderToString, version as serverVersion } from 'react-dom/server';
import { NoRecord, Sensitive, Unmask, VeilProvider, useConsent, useNoRecord, useRecorder, useSensitive, useUnmask } from '../src/index';

/** Each read of a browser global, with the stack that read it; the global itself stays undefined. */
const reads: { name: string; caller: string }[] = [];
const GLOBALS = ['window', 'document', 'navigator', 'location', 'sessionStorage', 'localStorage'];

beforeEach(() => {
  reads.length = 0;
  for (const name of GLOBALS) {
    Object.defineProperty(globalThis, name, {
      configurable: true,
      get() {
        // the frame that read the global: the one below this getter
        const caller = (new Error().stack ?? '').split('\n').slice(2, 3).join('');
        reads.push({ name, caller });
        return undefined;
      },
    });
  }
});
afterEach(() => {
  for (const name of GLOBALS) delete (globalThis as Record<string, unknown>)[name];
  vi.restoreAllMocks();
});

function Status() {
  const { state } = useRecorder();
  const consent = useConsent();
  return (
    <p id="status">
      {state}/{consent.state}
    </p>
  );
}

function Page() {
  return (
    <VeilProvider options={{ privacy: 'strict', requireConsent: true, transport: 'https://collector.example.com/v1/ingest' }}>
      <Status />
      <Sensitive as="section" id="customer">
        Ada Lovelace
      </Sensitive>
      <NoRecord id="chat">chat</NoRecord>
      <Unmask as="p" id="notice">
        Free shipping
      </Unmask>
      <textarea id="notes" {...useSensitive()} defaultValue="gate code" />
      <ul id="codes" {...useNoRecord()} />
      <h2 id="title" {...useUnmask()}>
        Order
      </h2>
    </VeilProvider>
  );
}

describe('server rendering', () => {
  it('runs on the react-dom/server this run was configured for', () => {
    expect(serverVersion.split('.')[0]).toBe(String(inject('reactMajor')));
  });
  it('emits the data-veil markers in the HTML, before any script runs', () => {
    const html = renderToString(<Page />);
    expect(html).toContain('<section id="customer" data-veil="mask">Ada Lovelace</section>');
    expect(html).toContain('<div id="chat" data-veil="block">chat</div>');
    expect(html).toContain('<p id="notice" data-veil="unmask">Free shipping</p>');
    expect(html).toMatch(/<textarea id="notes" data-veil="mask">/);
    expect(html).toContain('<ul id="codes" data-veil="block"></ul>');
    expect(html).toContain('<h2 id="title" data-veil="unmask">Order</h2>');
  });

  it('renders the provider and hooks without touching window or document, and records nothing', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const html = renderToString(<Page />);
    expect(html).toContain('<p id="status">idle<!-- -->/<!-- -->unknown</p>');
    const ours = reads.filter((read) => /packages[\\/]react[\\/]src[\\/]/.test(read.caller));
    expect(ours.map((read) => `${read.name} read ${read.caller.trim()}`)).toEqual([]);
    expect(reads.length, 'the getters are in place').toBeGreaterThan(0);
    // the core may look (typeof window) but never finds a browser: nothing started, nothing warned
    expect(typeof (globalThis as { window?: unknown }).window).toBe('undefined');
    expect(warn).not.toHaveBeenCalled();
  });

  it("renders a provider whose transport is a path on the site's own server (a proxy route)", () => {
    const html = renderToString(
      <VeilProvider options={{ transport: '/api/ingest', requireConsent: true }}>
        <Status />
      </VeilProvider>,
    );
    expect(html).toContain('<p id="status">idle<!-- -->/<!-- -->unknown</p>');
  });

  it('renders the marker components and hooks without a provider', () => {
    const html = renderToString(
      <main>
        <Sensitive>a</Sensitive>
        <input {...useSensitive()} />
      </main>,
    );
    expect(html).toBe('<main><div data-veil="mask">a</div><input data-veil="mask"/></main>');
  });
});
