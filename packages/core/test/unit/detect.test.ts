import { describe, expect, it } from 'vitest';
import {
  findPersonalData,
  hasEmail,
  ibanValid,
  luhnValid,
  maskCardNumbers,
  maskEmails,
  maskIbans,
  maskPersonalData,
  maskPersonalValue,
  scrubSecretParams,
  words,
} from '../../src/engine/detect';
import { maskFindings } from '../../src/engine/findings';

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
    expect(scrubSecretParams('/cb?code=abc&state=x#access_token=T0K&type=bearer')).toBe(
      '/cb?code=redacted&state=redacted#access_token=redacted&type=bearer',
    );
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

  it('masks the union of what each detector finds on its own, so no detector undoes another', () => {
    // pieces that each detector acts on, near misses, and the characters the quick check looks for
    const pieces = [
      '4111 1111 1111 1111',
      '4-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1',
      'DE89370400440532013000',
      'pat@example.org',
      'a%40b.example',
      '?token=abc',
      '&sid=1',
      'x=1',
      'order',
      ' ',
      '-',
      '7',
      '42',
      '%',
      '@',
      '=',
      'GB82 WEST 1234 5698 7654 32',
      'Zoë',
      '.',
      'ghp_0123456789abcdefXYZ',
      'Bearer ',
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig',
      '4111.1111',
    ];
    let seed = 7;
    const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    for (let i = 0; i < 3000; i++) {
      let value = '';
      for (let k = 1 + next(6); k > 0; k--) value += pieces[next(pieces.length)];
      if (value.length < 5) {
        expect(maskPersonalData(value)).toBe(value);
        continue;
      }
      const params = scrubSecretParams(value);
      const each = [
        maskEmails,
        maskCardNumbers,
        maskIbans,
        (v: string) =>
          maskFindings(
            v,
            findPersonalData(v).filter((f) => !['e-mail address', 'card number', 'IBAN'].includes(f.kind)),
          ),
      ].map((mask) => mask(params));
      const union = [...params].map((ch, i) => (each.some((masked) => masked[i] === '*' && ch !== '*') ? '*' : ch)).join('');
      expect(maskPersonalData(value), value).toBe(union);
    }
  });

  it('masks the whole of an IBAN whose printed digit groups hold a Luhn-valid run', () => {
    // found by searching random German IBANs for one whose groups contain a valid card number
    let seed = 11;
    const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    let checked = 0;
    for (let i = 0; i < 4000 && checked < 200; i++) {
      const bban = Array.from({ length: 18 }, () => next(10)).join('');
      const iban = withCheckDigits('DE', bban);
      const grouped = iban.replace(/(.{4})/g, '$1 ').trim();
      const cards: string[] = [];
      const groups = grouped.split(' ').slice(1);
      for (let a = 0; a < groups.length; a++)
        for (let b = a; b < groups.length; b++) {
          const digits = groups.slice(a, b + 1).join('');
          if (digits.length >= 13 && digits.length <= 19 && luhnValid(digits)) cards.push(digits);
        }
      if (!cards.length) continue;
      checked++;
      expect(maskPersonalData(`to ${grouped} today`)).toBe(`to ${grouped.replace(/\S/g, '*')} today`);
    }
    expect(checked).toBeGreaterThan(50);
  });
});

function withCheckDigits(country: string, bban: string): string {
  const numeric = (bban + country + '00').replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let rest = 0;
  for (const d of numeric) rest = (rest * 10 + Number(d)) % 97;
  return country + String(98 - rest).padStart(2, '0') + bban;
}

describe('card numbers with the separators people use', () => {
  it('masks groups joined by dots, slashes, underscores, bullets, invisible characters and any space', () => {
    for (const sep of ['.', '/', '_', ' . ', '\u00b7', '\u2022', '\u00a0', '\u2009', '\u202f', '\u200b', '\u00ad', '\u2013', ' - ', '\t']) {
      const text = `card 4111${sep}1111${sep}1111${sep}1111 ok`;
      expect(maskCardNumbers(text).replace(/\D/g, ''), JSON.stringify(sep)).toBe('');
    }
    expect(maskCardNumbers('amex 3782.822463.10005')).toBe('amex ****.******.*****');
    expect(maskCardNumbers('41111 11111111111')).toBe('***** ***********');
  });
  it('leaves prices, dates, versions and addresses alone however they are chained', () => {
    for (const s of [
      '19.99 29.99 39.99 49.99 59.99 69.99',
      '01/02/2024 03/04/2025 05/06',
      'v1.2.3 4.5.6 7.8.9 10.11.12',
      '192.168.100.200 10.0.0.1',
      'order 1234.5678.9012.3456',
      '2026-11-29 12:30:45.123',
    ]) {
      expect(maskCardNumbers(s), s).toBe(s);
    }
  });
  it('masks a card number typed with dots, keystroke by keystroke, past its first six digits', () => {
    const card = '4111.1111.1111.1111';
    for (let n = 1; n <= card.length; n++) {
      const typed = card.slice(0, n);
      const digits = maskPersonalValue(typed).replace(/\D/g, '');
      expect(digits.length, typed).toBeLessThanOrEqual(6);
    }
  });
});

describe('IBANs with other separators', () => {
  it('masks an IBAN grouped with dashes, dots or no-break spaces', () => {
    for (const sep of ['-', '.', '\u00a0', '\u2009']) {
      const text = ['DE89', '3704', '0044', '0532', '0130', '00'].join(sep);
      expect(maskIbans(`IBAN ${text}`), JSON.stringify(sep)).toBe(`IBAN ${text.replace(/[A-Z0-9]/g, '*')}`);
    }
  });
});

describe('credentials', () => {
  const jwt =
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkphbiJ9.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
  const secrets = {
    jwt,
    stripe: 'sk_live_51Hc3f0aKq8vZt2x9Q',
    github: 'ghp_1a2B3c4D5e6F7g8H9i0J1k2L3m4N5o6P7q8R',
    githubPat: 'github_pat_11ABCDEFG0123456789_abcdefghij',
    slack: 'xoxb-123456789012-abcdefABCDEF',
    aws: 'AKIAIOSFODNN7EXAMPLE',
    google: 'AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q',
    gitlab: 'glpat-AbCdEf0123456789xyz',
    npm: 'npm_abcdefghijklmnopqrstuvwxyz0123456789',
    openai: 'sk-proj-Abc123Def456Ghi789Jkl012',
  };
  it.each(Object.entries(secrets))('masks a %s in text and keeps the words around it', (_name, secret) => {
    const out = maskPersonalData(`Your key: ${secret} (keep it safe)`);
    expect(out).toBe(`Your key: ${'*'.repeat(secret.length)} (keep it safe)`);
  });
  it('masks the token after an Authorization scheme, not the scheme, and not prose', () => {
    expect(maskPersonalData('Authorization: Bearer abc.DEF-123_xyz~9')).toBe(`Authorization: Bearer ${'*'.repeat(17)}`);
    expect(maskPersonalData('Authorization: Basic dXNlcjpwYXNzd29yZA==')).toBe(`Authorization: Basic ${'*'.repeat(20)}`);
    expect(maskPersonalData('Bearer authentication uses tokens; Basic authentication does not.')).toBe(
      'Bearer authentication uses tokens; Basic authentication does not.',
    );
    expect(maskPersonalData('Token EXPIRED, Bearer Tokens')).toBe('Token EXPIRED, Bearer Tokens');
    expect(maskPersonalData('Bearer AbcdefGhijk')).toBe('Bearer ***********');
    expect(maskPersonalData(`Authorization: Bearer ${jwt}`)).toBe(`Authorization: Bearer ${'*'.repeat(jwt.length)}`);
  });
  it('finds the scheme in any case, in text and in input values, with no digit to open the other detectors', () => {
    expect(maskPersonalData('authorization: bearer abcDEFgh+ijk')).toBe(`authorization: bearer ${'*'.repeat(12)}`);
    expect(maskPersonalValue('BEARER abcDEFgh+ijk')).toBe(`BEARER ${'*'.repeat(12)}`);
    expect(maskPersonalData('read the token docs for basic setup, page 12 of 30')).toBe(
      'read the token docs for basic setup, page 12 of 30',
    );
  });
  it('masks the body of a PEM private key, keeping its BEGIN and END lines', () => {
    const body = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj';
    const pem = `-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----`;
    const out = maskPersonalData(`key:\n${pem}\n`);
    expect(out).toBe(`key:\n-----BEGIN PRIVATE KEY-----\n${body.replace(/\S/g, '*')}\n-----END PRIVATE KEY-----\n`);
    const rsa = maskPersonalData(`-----BEGIN RSA PRIVATE KEY-----\n${body}`);
    expect(rsa).not.toContain('MIIE');
  });
  it('masks credentials in input values from their first recognizable characters', () => {
    for (const secret of [...Object.values(secrets), 'Bearer abcdef123', `-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk`]) {
      const recognizable = secret.startsWith('-----') ? 40 : 12;
      for (let n = recognizable; n <= secret.length; n++) {
        const typed = secret.slice(0, n);
        const out = maskPersonalValue(`key ${typed}`);
        expect(out.slice(4 + Math.min(n, 8)), typed).not.toMatch(/[A-Za-z0-9]/);
      }
    }
  });
  it('leaves ordinary identifiers and prose alone', () => {
    for (const s of [
      'class="btn_primary nav__item"',
      'the token expired',
      'sk-1',
      'my_variable_name',
      'Eyjafjallajökull',
      'BEGIN here',
      'task-list item_3',
    ]) {
      expect(maskPersonalData(s), s).toBe(s);
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
    expect(maskPersonalValue('order 123456')).toBe('order 123456');
    expect(maskPersonalValue('order 1234567')).toBe('order *******');
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
