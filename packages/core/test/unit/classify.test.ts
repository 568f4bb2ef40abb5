import { describe, expect, it } from 'vitest';
import {
  BLOCK,
  MASK,
  MODE_BALANCED,
  MODE_RELAXED,
  MODE_STRICT,
  NOT_A_FIELD,
  PERSONAL_FIELD,
  PLAIN_FIELD,
  RECORD,
  ROOT_CONTEXT,
  SENSITIVE_FIELD,
  SENSITIVE_PLACEHOLDER,
  UNMASK,
  autocompleteKind,
  combine,
  fieldKind,
  identifierKind,
  ownFacts,
  parseMark,
  scrubAttributes,
  scrubText,
  scrubValue,
  textMasked,
  valueMasked,
} from '../../src/engine/classify';

const attrs = (a: Record<string, string>) => (n: string) => a[n];

describe('field classification', () => {
  it('treats password, hidden and file inputs as sensitive whatever the case', () => {
    for (const type of ['password', 'PASSWORD', ' Password ', 'hidden', 'file']) {
      expect(fieldKind('input', attrs({ type })), type).toBe(SENSITIVE_FIELD);
    }
  });
  it('treats cc-*, password and one-time-code autocomplete as sensitive, with section and billing prefixes', () => {
    for (const ac of ['cc-number', 'CC-CSC', 'billing cc-exp', 'section-a cc-name', 'current-password', 'new-password', 'one-time-code']) {
      expect(autocompleteKind(ac), ac).toBe(SENSITIVE_FIELD);
    }
  });
  it('treats names and ids that suggest a secret as sensitive, in any style', () => {
    for (const n of [
      'api_token',
      'API_TOKEN',
      'userPassword',
      'passwd',
      'pwd',
      'client-secret',
      'apiKey',
      'otp',
      'pin',
      'cvv',
      'CVC',
      'csc',
      'cardNumber',
      'card_number',
      'iban',
      'ssn',
      'mfa_code',
      'newpassword',
    ]) {
      expect(identifierKind(n), n).toBe(SENSITIVE_FIELD);
    }
  });
  it('answers the same for a name asked again, also after many thousand other names', () => {
    expect(identifierKind('billing_email')).toBe(PERSONAL_FIELD);
    for (let i = 0; i < 10_000; i++) identifierKind(`field${i}`);
    expect(identifierKind('billing_email')).toBe(PERSONAL_FIELD);
    expect(identifierKind('userPassword')).toBe(SENSITIVE_FIELD);
    expect(identifierKind('field42')).toBe(NOT_A_FIELD);
  });
  it('does not mistake ordinary names for secrets', () => {
    for (const n of ['shipping', 'spinner', 'compass', 'keyboard_layout', 'q', 'note', 'quantity', 'classname', 'opinion']) {
      expect(identifierKind(n), n).not.toBe(SENSITIVE_FIELD);
    }
  });
  it('treats e-mail and telephone inputs and personal autocomplete as personal', () => {
    expect(fieldKind('input', attrs({ type: 'email' }))).toBe(PERSONAL_FIELD);
    expect(fieldKind('input', attrs({ type: 'tel' }))).toBe(PERSONAL_FIELD);
    for (const ac of [
      'name',
      'given-name',
      'family-name',
      'street-address',
      'address-line1',
      'postal-code',
      'bday',
      'bday-year',
      'email',
      'tel-national',
      'shipping address-level2',
    ]) {
      expect(autocompleteKind(ac), ac).toBe(PERSONAL_FIELD);
    }
  });
  it('makes a field sensitive when its placeholder or aria-label asks for a secret', () => {
    for (const label of ['Password', 'Card number', 'CVV', 'Security code', 'PIN', 'One-time password', 'API key', 'IBAN']) {
      expect(fieldKind('input', attrs({ type: 'text', name: 'f1', placeholder: label })), label).toBe(SENSITIVE_FIELD);
      expect(fieldKind('input', attrs({ type: 'text', name: 'f1', 'aria-label': label })), label).toBe(SENSITIVE_FIELD);
    }
    // label text often shows an example value: a personal word there proves nothing
    for (const label of [
      'Happy birthday!',
      'you@example.com',
      'Your e-mail',
      'Street address',
      'Search products',
      'Voucher',
      'Spinning speed',
    ]) {
      expect(fieldKind('input', attrs({ type: 'text', placeholder: label, 'aria-label': label })), label).toBe(PLAIN_FIELD);
    }
    // neither lowers what the name says
    expect(fieldKind('input', attrs({ name: 'email', placeholder: 'Quantity' }))).toBe(PERSONAL_FIELD);
    expect(fieldKind('input', attrs({ name: 'pin', placeholder: 'Phone' }))).toBe(SENSITIVE_FIELD);
  });
  it('treats other controls as plain fields and other elements as no field', () => {
    expect(fieldKind('input', attrs({ type: 'search', name: 'q' }))).toBe(PLAIN_FIELD);
    expect(fieldKind('textarea', attrs({}))).toBe(PLAIN_FIELD);
    expect(fieldKind('div', attrs({ name: 'password' }))).toBe(NOT_A_FIELD);
  });
});

describe('region marks', () => {
  it('reads data-veil values in any case and fails closed on unknown values', () => {
    expect(parseMark('block')).toBe(BLOCK);
    expect(parseMark(' UNMASK ')).toBe(UNMASK);
    expect(parseMark('Mask')).toBe(MASK);
    expect(parseMark('secret-stuff')).toBe(MASK);
  });
  it('blocks images, video and canvas in strict mode only', () => {
    expect(ownFacts('img', attrs({}), MODE_STRICT).mark).toBe(BLOCK);
    expect(ownFacts('canvas', attrs({}), MODE_STRICT).mark).toBe(BLOCK);
    expect(ownFacts('img', attrs({}), MODE_RELAXED).mark).toBe(RECORD);
  });
  it('never lets unmask lift an ancestor mask or block', () => {
    const masked = combine(ROOT_CONTEXT, ownFacts('div', attrs({ 'data-veil': 'mask' }), MODE_BALANCED));
    const inner = combine(masked, ownFacts('p', attrs({ 'data-veil': 'unmask' }), MODE_BALANCED));
    expect(inner.region).toBe(MASK);
  });
});

describe('what each mode records', () => {
  it('masks page text in strict except unmask regions, and only marked text elsewhere', () => {
    expect(textMasked(RECORD, MODE_STRICT)).toBe(true);
    expect(textMasked(UNMASK, MODE_STRICT)).toBe(false);
    expect(textMasked(RECORD, MODE_BALANCED)).toBe(false);
    expect(textMasked(MASK, MODE_RELAXED)).toBe(true);
  });
  it('masks input values by mode, and personal or sensitive values in every mode', () => {
    expect(valueMasked(PLAIN_FIELD, UNMASK, MODE_STRICT)).toBe(true);
    expect(valueMasked(PLAIN_FIELD, RECORD, MODE_BALANCED)).toBe(true);
    expect(valueMasked(PLAIN_FIELD, UNMASK, MODE_BALANCED)).toBe(false);
    expect(valueMasked(PLAIN_FIELD, RECORD, MODE_RELAXED)).toBe(false);
    expect(valueMasked(PERSONAL_FIELD, UNMASK, MODE_RELAXED)).toBe(true);
    expect(valueMasked(SENSITIVE_FIELD, UNMASK, MODE_RELAXED)).toBe(true);
  });
  it('replaces a sensitive value with a fixed placeholder that carries none of its characters nor its length', () => {
    expect(scrubValue('hunter2', SENSITIVE_FIELD, UNMASK, MODE_RELAXED)).toBe(SENSITIVE_PLACEHOLDER);
    expect(scrubValue('a much longer secret', SENSITIVE_FIELD, RECORD, MODE_RELAXED)).toBe(SENSITIVE_PLACEHOLDER);
  });
  it('records plain values in relaxed mode but still masks personal data in them', () => {
    expect(scrubValue('red shoes', PLAIN_FIELD, RECORD, MODE_RELAXED)).toBe('red shoes');
    expect(scrubValue('me@example.com', PLAIN_FIELD, RECORD, MODE_RELAXED)).toBe('**************');
  });
  it('drops script text and treats textarea text as an input value', () => {
    const script = combine(ROOT_CONTEXT, ownFacts('script', attrs({}), MODE_RELAXED));
    expect(scrubText('window.user = 1', script, MODE_RELAXED)).toBe('');
    const textarea = combine(ROOT_CONTEXT, ownFacts('textarea', attrs({}), MODE_BALANCED));
    expect(scrubText('draft text', textarea, MODE_BALANCED)).toBe('**********');
  });
});

describe('attributes', () => {
  it('masks text-bearing attributes in masked regions and keeps structure', () => {
    const ctx = combine(ROOT_CONTEXT, ownFacts('div', attrs({ 'data-veil': 'mask' }), MODE_RELAXED));
    const a: Record<string, unknown> = {
      title: 'Pat Doe',
      alt: 'x',
      'aria-label': 'Pat',
      'data-user': 'pat',
      class: 'card',
      style: 'width:1px',
      'data-veil': 'mask',
    };
    scrubAttributes('div', a, ctx, MODE_RELAXED);
    expect(a).toEqual({
      title: '*** ***',
      alt: '*',
      'aria-label': '***',
      'data-user': '***',
      class: 'card',
      style: 'width:1px',
      'data-veil': 'mask',
    });
  });
  it('drops event handler attributes and scrubs URLs in every mode', () => {
    const a: Record<string, unknown> = { href: '/v?token=abc', onclick: 'steal()', srcset: '/a.png?sig=1 1x' };
    scrubAttributes('a', a, ROOT_CONTEXT, MODE_RELAXED);
    expect(a).toEqual({ href: '/v?token=redacted', srcset: '/a.png?sig=redacted 1x' });
  });
  it('masks the content of secret-looking meta tags', () => {
    const a: Record<string, unknown> = { name: 'csrf-token', content: 'abc123def' };
    scrubAttributes('meta', a, ROOT_CONTEXT, MODE_RELAXED);
    expect(a.content).toBe('*********');
  });
});

describe('attributes that are not text', () => {
  it('keeps technical meta tags, id references and rrweb markers readable in strict mode', () => {
    const meta: Record<string, unknown> = { name: 'viewport', content: 'width=device-width, initial-scale=1' };
    scrubAttributes('meta', meta, ROOT_CONTEXT, MODE_STRICT);
    expect(meta.content).toBe('width=device-width, initial-scale=1');
    const div: Record<string, unknown> = { 'aria-labelledby': 'title-1', 'aria-label': 'Pat' };
    scrubAttributes('div', div, ROOT_CONTEXT, MODE_STRICT);
    expect(div).toEqual({ 'aria-labelledby': 'title-1', 'aria-label': '***' });
  });
  it('masks a masked value completely, spaces included', () => {
    expect(scrubValue('Ada Lovelace', PLAIN_FIELD, MASK, MODE_RELAXED)).toBe('************');
  });
});
