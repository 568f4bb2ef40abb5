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
import type { FailureBudget, SharedLoginLimits } from '../storage/types';

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

/** Failures are forgotten a day after the last one. */
export const FORGET_AFTER_MS = 24 * 60 * 60 * 1000;

interface Failures {
  count: number;
  /** Epoch ms before which this address may not try again. */
  until: number;
  at: number;
}

/**
 * The counters in this process's memory: for a single instance (SQLite). A
 * database several instances share keeps them itself (Storage.loginLimits),
 * so that failures on one instance count on all of them.
 * Bounded: at `maxKeys` entries, the ones that say nothing any more go first, then the oldest.
 */
export class MemoryLoginLimits implements SharedLoginLimits {
  private readonly ips = new Map<string, Failures>();
  /** Each account's failure budget; made with the guard's budget on first use. */
  private accounts: TokenBuckets | undefined;
  /** The time the guard last passed in, never going back: the buckets' clock. */
  private clock = 0;

  constructor(private readonly maxKeys = 100_000) {}

  async ipFailed(ip: string, now: number, forgetAfterMs: number): Promise<number> {
    let entry = this.ips.get(ip);
    if (entry && now - entry.at > forgetAfterMs) entry = undefined;
    if (!entry) {
      if (this.ips.size >= this.maxKeys) this.sweepIps(now, forgetAfterMs);
      entry = { count: 0, until: 0, at: now };
    }
    this.ips.delete(ip);
    this.ips.set(ip, entry); // most recent last, so a sweep drops the oldest
    entry.count++;
    entry.at = Math.max(entry.at, now);
    return entry.count;
  }

  async ipWaitUntil(ip: string, until: number): Promise<void> {
    const entry = this.ips.get(ip);
    if (entry) entry.until = Math.max(entry.until, until);
  }

  async ipBlockedUntil(ip: string): Promise<number> {
    return this.ips.get(ip)?.until ?? 0;
  }

  async ipSucceeded(ip: string): Promise<void> {
    this.ips.delete(ip);
  }

  async accountFailed(account: string, now: number, budget: FailureBudget): Promise<void> {
    this.accountBuckets(now, budget).take(account);
  }

  async accountTokens(account: string, now: number, budget: FailureBudget): Promise<number> {
    return this.accountBuckets(now, budget).tokens(account);
  }

  async purge(now: number, forgetAfterMs: number, budget: FailureBudget): Promise<number> {
    const before = this.ips.size;
    this.sweepIps(now, forgetAfterMs, 0);
    return before - this.ips.size + this.accountBuckets(now, budget).forgetFull();
  }

  private accountBuckets(now: number, budget: FailureBudget): TokenBuckets {
    this.clock = Math.max(this.clock, now);
    return (this.accounts ??= new TokenBuckets(budget, () => this.clock, this.maxKeys));
  }

  private sweepIps(now: number, forgetAfterMs: number, bound = this.maxKeys): void {
    for (const [ip, entry] of this.ips) if (entry.until <= now && now - entry.at > forgetAfterMs) this.ips.delete(ip);
    while (bound && this.ips.size >= bound) this.ips.delete(this.ips.keys().next().value!);
  }
}

export class LoginGuard {
  constructor(
    private readonly ipDelay: LoginIpDelay,
    private readonly accountLimit: RateLimit,
    private readonly secret: Buffer,
    private readonly now: () => number = Date.now,
    /** Where the counters live: this process's memory, or the database several instances share. */
    private readonly limits: SharedLoginLimits = new MemoryLoginLimits(),
  ) {
    if (!(ipDelay.freeFailures >= 0) || !(ipDelay.firstDelaySeconds > 0) || !(ipDelay.maxDelaySeconds >= ipDelay.firstDelaySeconds)) {
      throw new Error(`loginIpDelay needs freeFailures >= 0 and 0 < firstDelaySeconds <= maxDelaySeconds, got ${JSON.stringify(ipDelay)}.`);
    }
    if (!(accountLimit.perSecond > 0) || !(accountLimit.burst >= 1)) {
      throw new Error(`loginAccount needs perSecond > 0 and burst >= 1, got ${JSON.stringify(accountLimit)}.`);
    }
  }

  /** Whether this address may try now. */
  async checkIp(ip: string): Promise<Take> {
    const until = await this.limits.ipBlockedUntil(ip);
    const now = this.now();
    if (until <= now) return { ok: true };
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((until - now) / 1000)) };
  }

  /** A failed attempt: the account's budget and the address's wait. */
  async failed(ip: string, account: string): Promise<void> {
    const now = this.now();
    const count = await this.limits.ipFailed(ip, now, FORGET_AFTER_MS);
    const over = count - this.ipDelay.freeFailures;
    if (over > 0) {
      const seconds = Math.min(this.ipDelay.maxDelaySeconds, this.ipDelay.firstDelaySeconds * 2 ** Math.min(over - 1, 40));
      await this.limits.ipWaitUntil(ip, now + seconds * 1000);
    }
    await this.limits.accountFailed(account, now, this.accountLimit);
  }

  /** A success: the address starts over (a person who mistyped is not punished later). */
  async succeeded(ip: string): Promise<void> {
    await this.limits.ipSucceeded(ip);
  }

  /** Whether the account still has failures to spend; when not, only a known device may try. */
  async accountOpen(account: string): Promise<Take> {
    const tokens = await this.limits.accountTokens(account, this.now(), this.accountLimit);
    if (tokens >= 1) return { ok: true };
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / this.accountLimit.perSecond)) };
  }

  /** Forgets counters that no longer hold anyone back (the hourly purge). */
  purge(): Promise<number> {
    return this.limits.purge(this.now(), FORGET_AFTER_MS, this.accountLimit);
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
}
