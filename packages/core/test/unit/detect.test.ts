import { describe, expect, it } from 'vitest';
import { hasEmail, ibanValid, luhnValid, maskCardNumbers, maskEmails, maskIbans, maskPersonalData, scrubSecretParams, words } from '../../src/engine/detect';

describe('Luhn check', () => {
  it('accepts valid card numbers of every common length', () => {
    for (const n of ['4111111111111111', '4000056655665556', '5555555555554444', '378282246310005', '6011111111111117', '4222222222222']) {
      expect(luhnValid(n), n).toBe(true);
    }
  });
  it('rejects near misses: one digit changed, non-digits, empty', () => {
    for (const n of ['4111111111111112', '4000056655665557', '41111111111a1111', '']) expect(luhnValid(n), n).toBe(false);
  });
});

describe('card numbers in text', () => {
  it('masks a card number written plain, with spaces or with dashes, keeping length', () => {
    expect(maskCardNumbers('pay 4111111111111111 now')).toBe('pay **************** now');
    expect(maskCardNumbers('pay 4000 0566 5566 5556.')).toBe('pay **** **** **** ****.');
    expect(maskCardNumbers('5555-5555-5555-4444')).toBe('****-****-****-****');
  });
  it('masks a card number whose groups are kept together by no-break or thin spaces, or broken by the page source', () => {
    expect(maskCardNumbers('card 4242\u00a04242\u00a04242\u00a04242')).toBe('card ****\u00a0****\u00a0****\u00a0****');
    expect(maskCardNumbers('4242\u20094242\u20094242\u20094242')).toBe('****\u2009****\u2009****\u2009****');
    expect(maskCardNumbers('4242 4242\n        4242 4242')).toBe('**** ****\n        **** ****');
    expect(maskCardNumbers('4242 - 4242 - 4242 - 4242')).toBe('**** - **** - **** - ****');
  });
  it('finds a card number that runs into other digit groups', () => {
    const out = maskCardNumbers('4111 1111 1111 1111 2030');
    expect(out.replace(/\s/g, '')).not.toContain('4111111111111111');
    expect(out.endsWith('2030')).toBe(true);
  });
  it('leaves numbers that fail the checksum, short numbers and dates alone', () => {
    for (const s of ['order 1234 5678 9012 3456', 'ref 4111111111111112', 'call 0123 456 789', '2026-11-29 12:30']) {
      expect(maskCardNumbers(s)).toBe(s);
    }
  });
});

describe('IBANs', () => {
  it('checks the mod-97 checksum', () => {
    expect(ibanValid('DE89370400440532013000')).toBe(true);
    expect(ibanValid('GB82WEST12345698765432')).toBe(true);
    expect(ibanValid('DE89370400440532013001')).toBe(false);
    expect(ibanValid('DE8937')).toBe(false);
  });
  it('masks valid IBANs written compact or in groups, also followed by more words', () => {
    expect(maskIbans('IBAN DE89370400440532013000')).toBe('IBAN **********************');
    const grouped = maskIbans('to GB82 WEST 1234 5698 7654 32 EUR today');
    expect(grouped).toBe('to **** **** **** **** **** ** EUR today');
    expect(maskIbans('DE89\u00a03704\u00a00044\u00a00532\u00a00130\u00a000')).toBe('****\u00a0****\u00a0****\u00a0****\u00a0****\u00a0**');
  });
  it('keeps an IBAN-shaped string with a wrong checksum', () => {
    expect(maskIbans('DE89 3704 0044 0532 0130 01')).toBe('DE89 3704 0044 0532 0130 01');
  });
});

describe('e-mail addresses', () => {
  it('masks addresses, also percent-encoded ones, keeping surrounding text', () => {
    expect(maskEmails('mail jo.doe+x@example.co.uk today')).toBe(`mail ${'*'.repeat(22)} today`);
    expect(maskEmails('q=jo%40example.com')).not.toContain('example');
    expect(hasEmail('a@b.io')).toBe(true);
  });
  it('leaves strings that only look a bit like addresses', () => {
    for (const s of ['@handle', 'user@localhost', 'price 5 @ 3.00', 'a@b']) expect(maskEmails(s)).toBe(s);
  });
});

describe('secret parameters', () => {
  it('redacts secret-looking parameters in query strings and fragments', () => {
    expect(scrubSecretParams('/cb?code=abc&state=x#access_token=T0K&type=bearer')).toBe('/cb?code=redacted&state=redacted#access_token=redacted&type=bearer');
    expect(scrubSecretParams('?X-Amz-Signature=deadbeef&page=2')).toBe('?X-Amz-Signature=redacted&page=2');
  });
  it('keeps ordinary parameters', () => {
    expect(scrubSecretParams('/search?q=shoes&page=2&sort=price')).toBe('/search?q=shoes&page=2&sort=price');
  });
  it('splits identifiers the way developers write them', () => {
    expect(words('userPassword')).toEqual(['user', 'password']);
    expect(words('API_TOKEN')).toEqual(['api', 'token']);
    expect(words('X-Amz-Signature')).toEqual(['x', 'amz', 'signature']);
  });
});

describe('maskPersonalData', () => {
  it('applies every detector and leaves ordinary text as it was', () => {
    const s = 'Hi pat@example.org, card 4242 4242 4242 4242, IBAN DE89370400440532013000.';
    const out = maskPersonalData(s);
    expect(out).not.toMatch(/example|4242|DE89/);
    expect(out.length).toBe(s.length);
    expect(maskPersonalData('Welcome back! Your order 1234 ships today.')).toBe('Welcome back! Your order 1234 ships today.');
  });

  it('gives what the detectors give one after the other, though it skips most text without running them', () => {
    // pieces that each detector acts on, near misses, and the characters the quick check looks for
    const pieces = ['4111 1111 1111 1111', '4-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1', 'DE89370400440532013000', 'pat@example.org', 'a%40b.example',
      '?token=abc', '&sid=1', 'x=1', 'order', ' ', '-', '7', '42', '%', '@', '=', 'GB82 WEST 1234 5698 7654 32', 'Zoë', '.'];
    let seed = 7;
    const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    for (let i = 0; i < 3000; i++) {
      let value = '';
      for (let k = 1 + next(6); k > 0; k--) value += pieces[next(pieces.length)];
      const oneAfterAnother = value.length < 5 ? value : maskIbans(maskCardNumbers(maskEmails(scrubSecretParams(value))));
      expect(maskPersonalData(value), value).toBe(oneAfterAnother);
    }
  });
});

describe('maskPersonalValue (input values, typed one key at a time)', () => {
  it('masks half-typed e-mail addresses, card numbers and IBANs', async () => {
    const { maskPersonalValue } = await import('../../src/engine/detect');
    expect(maskPersonalValue('pat.doe@mailbox.e')).not.toMatch(/pat|mailbox/);
    expect(maskPersonalValue('4485 3143 53')).not.toMatch(/\d{3}/);
    expect(maskPersonalValue('GB89 NWBK 5304')).not.toMatch(/NWBK|5304/);
  });
  it('keeps short numbers and ordinary words', async () => {
    const { maskPersonalValue } = await import('../../src/engine/detect');
    expect(maskPersonalValue('size 42, qty 3')).toBe('size 42, qty 3');
    expect(maskPersonalValue('order 12345678')).toBe('order 12345678');
  });
});

describe('parameters inside parameter values', () => {
  it('finds a secret parameter inside a meta refresh URL', () => {
    expect(scrubSecretParams('3600;url=/next?token=abc&x=1')).toBe('3600;url=/next?token=redacted&x=1');
  });
});

describe('maskPersonalValue and complete numbers', () => {
  it('keeps a complete 16-digit number that fails the Luhn check, masks a valid card', async () => {
    const { maskPersonalValue } = await import('../../src/engine/detect');
    expect(maskPersonalValue('7302 5873 3562 8110')).toBe('7302 5873 3562 8110');
    expect(maskPersonalValue('4111 1111 1111 1111')).toBe('**** **** **** ****');
  });
});
