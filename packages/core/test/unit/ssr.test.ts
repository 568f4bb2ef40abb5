// Runs in plain node: no window, no document, as during server-side rendering.
import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => vi.restoreAllMocks());

describe('the core outside a browser', () => {
  it('imports and creates a recorder without touching browser globals', async () => {
    expect(typeof (globalThis as { window?: unknown }).window).toBe('undefined');
    const { createRecorder } = await import('../../src/index');
    const rec = createRecorder({ transport: () => undefined });
    expect(rec.state).toBe('idle');
  });
  it('does nothing but warn once, prefixed [veil], when started on the server', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { createRecorder } = await import('../../src/index');
    const rec = createRecorder({ transport: () => undefined });
    rec.start();
    rec.start();
    expect(rec.state).toBe('idle');
    const ssrWarnings = warn.mock.calls.filter(([m]) => String(m).startsWith('[veil]') && String(m).includes('outside a browser'));
    expect(ssrWarnings).toHaveLength(1);
    await expect(rec.flush()).resolves.toBeUndefined();
    rec.stop();
  });
  it("accepts a path on the page's own site as the transport, and does nothing with it", async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { createRecorder } = await import('../../src/index');
    const rec = createRecorder({ transport: '/api/veil', requireConsent: true });
    rec.start();
    expect(rec.state).toBe('idle');
    await expect(rec.flush()).resolves.toBeUndefined();
    rec.stop();
  });
});
