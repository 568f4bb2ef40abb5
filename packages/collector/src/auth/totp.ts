// Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP) as every
// authenticator app computes them: HMAC-SHA-1, 30-second steps, 6 digits.
// node:crypto has all it takes, so no dependency is added for it.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const TOTP_STEP_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Steps accepted either side of now: clocks drift, and people type slowly. */
export const TOTP_WINDOW = 1;

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without padding: what authenticator apps take as the secret. */
export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** Decodes base32, forgiving case, spaces, dashes and padding as people copy them; null when not base32. */
export function base32Decode(text: string): Buffer | null {
  const clean = text.replace(/[\s=-]/g, '').toUpperCase();
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of clean) {
    const index = BASE32.indexOf(ch);
    if (index < 0) return null;
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** A new secret: 160 random bits, the HMAC-SHA-1 key length RFC 4226 recommends, in base32. */
export const newTotpSecret = () => base32Encode(randomBytes(20));

/** The step a moment falls in. */
export const totpStep = (nowMs: number) => Math.floor(nowMs / 1000 / TOTP_STEP_SECONDS);

/** HOTP (RFC 4226) of a raw key at a counter, `digits` long, zero-padded. */
export function hotp(key: Buffer, counter: number, digits = TOTP_DIGITS, algorithm: 'sha1' | 'sha256' | 'sha512' = 'sha1'): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(algorithm, key).update(message).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** The code a base32 secret gives at a step. */
export function totpAt(secret: string, step: number): string {
  const key = base32Decode(secret);
  if (!key || key.length === 0) throw new Error('The TOTP secret is not base32.');
  return hotp(key, step);
}

/**
 * The step whose code this is, within {@link TOTP_WINDOW} steps of now, or
 * null. The caller refuses a step at or before the last one used, so a code
 * seen over someone's shoulder cannot be used again.
 */
export function matchTotp(secret: string, code: string, nowMs: number): number | null {
  const given = code.replace(/\s/g, '');
  if (!new RegExp(`^\\d{${TOTP_DIGITS}}$`).test(given)) return null;
  const now = totpStep(nowMs);
  let found: number | null = null;
  // every candidate is compared, so the time taken does not tell which one matched
  for (let step = now - TOTP_WINDOW; step <= now + TOTP_WINDOW; step++) {
    if (timingSafeEqual(Buffer.from(totpAt(secret, step)), Buffer.from(given)) && found === null) found = step;
  }
  return found;
}

/** The `otpauth://` URI an authenticator app reads (as a link on a phone, or from a QR code). */
export function otpauthUri(secret: string, account: string, issuer = 'Veil'): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const query = new URLSearchParams({ secret, issuer, algorithm: 'SHA1', digits: String(TOTP_DIGITS), period: String(TOTP_STEP_SECONDS) });
  return `otpauth://totp/${label}?${query}`;
}
