// In-memory token buckets. They are per process: N collector instances behind
// a load balancer allow up to N times the configured rate (documented in the
// README); an attacker spread over many IPs is limited by the per-key bucket.

export interface RateLimit {
  /** Tokens added per second. */
  perSecond: number;
  /** Bucket size: how many requests may arrive at once after a quiet spell. */
  burst: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export type Take = { ok: true } | { ok: false; retryAfterSeconds: number };

/**
 * A set of token buckets keyed by a string (an IP, a key, an account).
 * Bounded: when it holds `maxKeys` buckets, the ones that have refilled are
 * forgotten (a full bucket is the same as no bucket).
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 100_000,
  ) {
    if (!(limit.perSecond > 0) || !(limit.burst >= 1)) {
      throw new Error(`A rate limit needs perSecond > 0 and burst >= 1, got ${JSON.stringify(limit)}.`);
    }
  }

  take(key: string, cost = 1): Take {
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (bucket) {
      bucket.tokens = Math.min(this.limit.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.limit.perSecond);
      bucket.at = now;
    } else {
      if (this.buckets.size >= this.maxKeys) this.sweep(now);
      bucket = { tokens: this.limit.burst, at: now };
      this.buckets.set(key, bucket);
    }
    if (bucket.tokens >= cost) {
      bucket.tokens -= cost;
      return { ok: true };
    }
    const wait = (cost - bucket.tokens) / this.limit.perSecond;
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(wait)) };
  }

  /**
   * Takes `cost` even past empty: a debt that refills before take() or
   * peek() let anything through again. For a cost known only after the
   * request was let in (the bytes of a body).
   */
  spend(key: string, cost: number): void {
    const now = this.now();
    const tokens = this.tokens(key);
    if (!this.buckets.has(key) && this.buckets.size >= this.maxKeys) this.sweep(now);
    this.buckets.set(key, { tokens: tokens - cost, at: now });
  }

  /** What take() would answer, without taking anything. */
  peek(key: string, cost = 1): Take {
    const tokens = this.tokens(key);
    if (tokens >= cost) return { ok: true };
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((cost - tokens) / this.limit.perSecond)) };
  }

  /** The tokens `key` has now (a bucket never seen is full). */
  tokens(key: string): number {
    const bucket = this.buckets.get(key);
    if (!bucket) return this.limit.burst;
    return Math.min(this.limit.burst, bucket.tokens + ((this.now() - bucket.at) / 1000) * this.limit.perSecond);
  }

  /** Forgets the buckets that have refilled (they hold no one back); returns how many. */
  forgetFull(): number {
    const before = this.buckets.size;
    for (const key of [...this.buckets.keys()]) if (this.tokens(key) >= this.limit.burst) this.buckets.delete(key);
    return before - this.buckets.size;
  }

  private sweep(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.at) / 1000) * this.limit.perSecond >= this.limit.burst) this.buckets.delete(key);
    }
    // Still full of active buckets: drop the oldest rather than grow without bound.
    while (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
  }
}
