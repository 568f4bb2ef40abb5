// TOTP against the published test vectors: RFC 4226 appendix D (HOTP) and
// RFC 6238 appendix B (TOTP, 8 digits, the three hash functions).
import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode, hotp, matchTotp, newTotpSecret, otpauthUri, totpAt, totpStep } from '../src/auth/totp';

const KEY_SHA1 = Buffer.from('12345678901234567890');
const KEY_SHA256 = Buffer.from('12345678901234567890123456789012');
const KEY_SHA512 = Buffer.from('1234567890123456789012345678901234567890123456789012345678901234');

describe('HOTP (RFC 4226 appendix D)', () => {
  it('gives the ten published codes for counters 0 to 9', () => {
    const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
    expect(expected.map((_, counter) => hotp(KEY_SHA1, counter))).toEqual(expected);
  });
});

describe('TOTP (RFC 6238 appendix B)', () => {
  const vectors: [number, string, string, string][] = [
    [59, '94287082', '46119246', '90693936'],
    [1111111109, '07081804', '68084774', '25091201'],
    [1111111111, '14050471', '67062674', '99943326'],
    [1234567890, '89005924', '91819424', '93441116'],
    [2000000000, '69279037', '90698825', '38618901'],
    [20000000000, '65353130', '77737706', '47863826'],
  ];
  it.each(vectors)('at %i s: SHA-1 %s, SHA-256 %s, SHA-512 %s', (seconds, sha1, sha256, sha512) => {
    const step = totpStep(seconds * 1000);
    expect(hotp(KEY_SHA1, step, 8, 'sha1')).toBe(sha1);
    expect(hotp(KEY_SHA256, step, 8, 'sha256')).toBe(sha256);
    expect(hotp(KEY_SHA512, step, 8, 'sha512')).toBe(sha512);
  });

  it('the 6-digit code of a base32 secret is the last six digits of the 8-digit one', () => {
    const secret = base32Encode(KEY_SHA1);
    expect(secret).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    expect(totpAt(secret, totpStep(59_000))).toBe('287082');
    expect(totpAt(secret, totpStep(1_111_111_109_000))).toBe('081804');
  });
});

describe('matching a typed code', () => {
  const secret = newTotpSecret();
  const now = 1_800_000_015_000;
  const step = totpStep(now);

  it('accepts the code of this step and one step either side, and says which step it was', () => {
    expect(matchTotp(secret, totpAt(secret, step), now)).toBe(step);
    expect(matchTotp(secret, totpAt(secret, step - 1), now)).toBe(step - 1);
    expect(matchTotp(secret, totpAt(secret, step + 1), now)).toBe(step + 1);
  });

  it('refuses codes two steps away, wrong codes and things that are not codes', () => {
    expect(matchTotp(secret, totpAt(secret, step - 2), now)).toBeNull();
    expect(matchTotp(secret, totpAt(secret, step + 2), now)).toBeNull();
    const wrong = String((Number(totpAt(secret, step)) + 1) % 1_000_000).padStart(6, '0');
    if (![step - 1, step + 1].some((s) => totpAt(secret, s) === wrong)) expect(matchTotp(secret, wrong, now)).toBeNull();
    for (const junk of ['', '12345', '1234567', 'abcdef', '12 34 5x']) expect(matchTotp(secret, junk, now)).toBeNull();
  });

  it('forgives spaces in a typed code', () => {
    const code = totpAt(secret, step);
    expect(matchTotp(secret, `${code.slice(0, 3)} ${code.slice(3)}`, now)).toBe(step);
  });
});

describe('secrets', () => {
  it('are 160 random bits in base32, and base32 round-trips whatever people paste', () => {
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(newTotpSecret()).not.toBe(secret);
    expect(base32Decode(secret)!.length).toBe(20);
    expect(base32Decode(secret.toLowerCase().replace(/(.{4})/g, '$1 '))).toEqual(base32Decode(secret));
    expect(base32Decode('not base32!')).toBeNull();
  });

  it('go into an otpauth:// URI that names the issuer and the account', () => {
    const uri = new URL(otpauthUri('JBSWY3DPEHPK3PXP', 'ann@example.com'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/Veil:ann@example.com');
    expect(Object.fromEntries(uri.searchParams)).toEqual({
      secret: 'JBSWY3DPEHPK3PXP',
      issuer: 'Veil',
      algorithm: 'SHA1',
      digits: '6',
      period: '30',
    });
  });
});
