// Login limits that slow the attacker, not the user (issue 18, finding 5).
// A fixed per-account lock let anyone lock a real user out with five wrong
// passwords and keep them out with one request every two minutes. Now:
//  - per IP, failures cost exponentially growing waits, so one address that
//    guesses gets slower and slower, and a success from it starts it over;
//  - per account, a budget of failures protects against guessing spread over
//    many addresses, but a browser that has logged in to that account before
//    (a signed device cookie) is not held by it: the real user on her usual
//    device still gets in with her password while the account is under attack.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { TokenBuckets, type RateLimit, type Take } from '../rate-limit';

export const DEVICE_COOKIE = 'veil_device';
/** A year: the device is "known" for as long as the browser keeps the cookie. */
export const DEVICE_TTL_SECONDS = 365 * 24 * 60 * 60;

export interface LoginIpDelay {
  /** Failures from one address before it has to wait. */
  freeFailures: number;
  /** The first wait; each further failure doubles it. */
  firstDelaySeconds: number;
  maxDelaySeconds: number;
}

interface Failures {
  count: number;
  /** Epoch ms before which this address may not try again. */
  until: number;
  at: number;
}

/** Failures are forgotten a day after the last one. */
const FORGET_AFTER_MS = 24 * 60 * 60 * 1000;

export class LoginGuard {
  private readonly ips = new Map<string, Failures>();
  private readonly accounts: TokenBuckets;

  constructor(
    private readonly ipDelay: LoginIpDelay,
    accountLimit: RateLimit,
    private readonly secret: Buffer,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 100_000,
  ) {
    if (!(ipDelay.freeFailures >= 0) || !(ipDelay.firstDelaySeconds > 0) || !(ipDelay.maxDelaySeconds >= ipDelay.firstDelaySeconds)) {
      throw new Error(`loginIpDelay needs freeFailures >= 0 and 0 < firstDelaySeconds <= maxDelaySeconds, got ${JSON.stringify(ipDelay)}.`);
    }
    this.accounts = new TokenBuckets(accountLimit, now, maxKeys);
  }

  /** Whether this address may try now. */
  checkIp(ip: string): Take {
    const entry = this.ips.get(ip);
    const now = this.now();
    if (!entry || entry.until <= now) return { ok: true };
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((entry.until - now) / 1000)) };
  }

  /** A failed attempt: the account's budget and the address's wait. */
  failed(ip: string, account: string): void {
    const now = this.now();
    let entry = this.ips.get(ip);
    if (entry && now - entry.at > FORGET_AFTER_MS) entry = undefined;
    if (!entry) {
      if (this.ips.size >= this.maxKeys) this.sweep(now);
      entry = { count: 0, until: 0, at: now };
    }
    this.ips.delete(ip);
    this.ips.set(ip, entry); // most recent last, so a sweep drops the oldest
    entry.count++;
    entry.at = now;
    const over = entry.count - this.ipDelay.freeFailures;
    if (over > 0) {
      const seconds = Math.min(this.ipDelay.maxDelaySeconds, this.ipDelay.firstDelaySeconds * 2 ** Math.min(over - 1, 40));
      entry.until = now + seconds * 1000;
    }
    this.accounts.take(account);
  }

  /** A success: the address starts over (a person who mistyped is not punished later). */
  succeeded(ip: string): void {
    this.ips.delete(ip);
  }

  /** Whether the account still has failures to spend; when not, only a known device may try. */
  accountOpen(account: string): Take {
    return this.accounts.peek(account);
  }

  /** A device cookie value for this user, signed so it cannot be made up. */
  deviceCookie(userId: number): string {
    const nonce = randomBytes(16).toString('base64url');
    return `${userId}.${nonce}.${this.sign(userId, nonce)}`;
  }

  /** Whether the cookie is one this server gave to a browser after this user logged in. */
  isKnownDevice(cookie: unknown, userId: number): boolean {
    if (typeof cookie !== 'string' || cookie.length > 200) return false;
    const [id, nonce, mac, extra] = cookie.split('.');
    if (extra !== undefined || !nonce || !mac || id !== String(userId)) return false;
    const expected = Buffer.from(this.sign(userId, nonce));
    const given = Buffer.from(mac);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  private sign(userId: number, nonce: string): string {
    return createHmac('sha256', this.secret).update(`device\u0000${userId}\u0000${nonce}`).digest('base64url');
  }

  private sweep(now: number): void {
    for (const [ip, entry] of this.ips) if (entry.until <= now && now - entry.at > FORGET_AFTER_MS) this.ips.delete(ip);
    while (this.ips.size >= this.maxKeys) this.ips.delete(this.ips.keys().next().value!);
  }
}
