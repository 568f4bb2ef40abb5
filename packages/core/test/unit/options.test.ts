// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../../src/page/options';
import { createRecorder } from '../../src/index';
import { PRIVACY_MODES } from '../../src/engine/vocabulary';

const transport = () => undefined;

describe('recorder options', () => {
  it('defaults to strict privacy, no consent requirement, and honouring Global Privacy Control', () => {
    const o = resolveOptions({ transport });
    expect(o.privacy).toBe('strict');
    expect(o.requireConsent).toBe(false);
    expect(o.respectGlobalPrivacyControl).toBe(true);
    expect(o.mask).toEqual([]);
  });
  it('names an unknown option and lists the accepted ones', () => {
    expect(() => resolveOptions({ transport, maks: ['.x'] })).toThrow(/Unknown option "maks". Accepted options: privacy, mask, block/);
  });
  it('names the option and the accepted values for an unknown privacy mode', () => {
    expect(() => resolveOptions({ transport, privacy: 'paranoid' })).toThrow(
      new RegExp(`"privacy".*${PRIVACY_MODES.map((mode) => `'${mode}'`).join(', ')}.*"paranoid"`),
    );
  });
  it('rejects selectors that are not arrays of valid CSS selectors', () => {
    expect(() => resolveOptions({ transport, mask: '.x' })).toThrow(/"mask".*array of CSS selectors/);
    expect(() => resolveOptions({ transport, block: ['#ok', 'div['] })).toThrow(/"block".*not a valid CSS selector/);
    expect(() => resolveOptions({ transport, unmask: [''] })).toThrow(/"unmask"/);
  });
  it('requires a transport and says what it accepts', () => {
    expect(() => resolveOptions({})).toThrow(/"transport".*function.*send\(batch\).*URL.*required/);
    expect(() => resolveOptions({ transport: 42 })).toThrow(/"transport"/);
    expect(() => resolveOptions({ transport: 'not a url' })).toThrow(/"transport".*not an http\(s\) URL, nor a path starting with '\/'/);
    expect(() => resolveOptions({ transport: 'collector.example.com/v1/ingest' })).toThrow(/"transport"/);
    expect(() => resolveOptions({ transport: 'ftp://x.example/ingest' })).toThrow(/"transport"/);
    expect(resolveOptions({ transport: 'https://c.example/v1/ingest' }).transport).toEqual({ url: 'https://c.example/v1/ingest' });
    expect(() => resolveOptions({ transport: { send() {} } })).not.toThrow();
  });
  it("takes a path on the page's own site as the ingest URL, alone or in { url }", () => {
    expect(resolveOptions({ transport: '/api/veil' }).transport).toEqual({ url: '/api/veil' });
    expect(resolveOptions({ transport: { url: '/ingest?site=shop', siteKey: 'k' } }).transport).toEqual({
      url: '/ingest?site=shop',
      siteKey: 'k',
    });
    expect(resolveOptions({ transport: '//collector.example.com/v1/ingest' }).transport).toEqual({
      url: '//collector.example.com/v1/ingest',
    });
  });
  it('rejects wrong types for flags, callbacks and numbers', () => {
    expect(() => resolveOptions({ transport, requireConsent: 'yes' })).toThrow(/"requireConsent".*true or false/);
    expect(() => resolveOptions({ transport, onError: 'log' })).toThrow(/"onError".*function/);
    expect(() => resolveOptions({ transport, flushInterval: -5 })).toThrow(/"flushInterval".*milliseconds/);
    expect(() => resolveOptions({ transport, maxBatchEvents: 0.5 })).toThrow(/"maxBatchEvents"/);
  });
  it('takes number options within their ranges and refuses NaN, Infinity and the values just outside', () => {
    const accepted = {
      flushInterval: [100, 60_000],
      maxBatchEvents: [1, 10_000],
      sampleRate: [0, 0.25, 1],
      checkoutInterval: [0, 1000],
      sessionTimeout: [1000],
    };
    const refused = {
      flushInterval: [99, NaN, Infinity, '5000'],
      maxBatchEvents: [0, 1.5, NaN, Infinity],
      sampleRate: [-0.01, 1.01, NaN],
      checkoutInterval: [999, -1, NaN, Infinity],
      sessionTimeout: [999, NaN, Infinity],
    };
    for (const [name, values] of Object.entries(accepted)) {
      for (const v of values) expect(resolveOptions({ transport, [name]: v })[name as keyof typeof accepted], `${name} ${v}`).toBe(v);
    }
    for (const [name, values] of Object.entries(refused)) {
      for (const v of values) expect(() => resolveOptions({ transport, [name]: v }), `${name} ${v}`).toThrow(new RegExp(`"${name}"`));
    }
    expect(resolveOptions({ transport })).toMatchObject({
      flushInterval: 5000,
      maxBatchEvents: 500,
      sampleRate: 1,
      checkoutInterval: 300_000,
      sessionTimeout: 1_800_000,
    });
  });
  it('accepts an opaque visitor id and refuses one that is personal data, without repeating it', () => {
    expect(resolveOptions({ transport, visitorId: 'u_8f3a2c' }).visitorId).toBe('u_8f3a2c');
    expect(() => resolveOptions({ transport, visitorId: '' })).toThrow(/"visitorId".*opaque id/);
    expect(() => resolveOptions({ transport, visitorId: 'x'.repeat(129) })).toThrow(/"visitorId"/);
    let message = '';
    try {
      resolveOptions({ transport, visitorId: 'ada.lovelace@example.org' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/"visitorId".*personal data/);
    expect(message).not.toContain('lovelace');
    expect(() => resolveOptions({ transport, visitorId: '4111 1111 1111 1111' })).toThrow(/"visitorId"/);
  });
  it('rejects a missing options object with a hint', () => {
    expect(() => resolveOptions(undefined)).toThrow(/expects an options object/);
  });
});

describe('createRecorder outside recording', () => {
  it('starts idle and validates run-time marks', () => {
    const rec = createRecorder({ transport });
    expect(rec.state).toBe('idle');
    expect(() => rec.mask('div[')).toThrow(/"mask".*not a valid CSS selector/);
    expect(() => rec.block(42 as never)).toThrow(/Element or a CSS selector/);
  });
  it('marks an element at run time without weakening a stronger mark', () => {
    const rec = createRecorder({ transport });
    const el = document.createElement('div');
    rec.unmask(el);
    expect(el.getAttribute('data-veil')).toBe('unmask');
    rec.block(el);
    expect(el.getAttribute('data-veil')).toBe('block');
    rec.mask(el);
    rec.unmask(el);
    expect(el.getAttribute('data-veil')).toBe('block');
  });
});
