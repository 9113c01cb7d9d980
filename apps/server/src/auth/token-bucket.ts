/**
 * Token-bucket rate limiting (one bucket per key, e.g. client address or username): a key may
 * spend `capacity` attempts at once, and regains `refillPerSec` attempts per second. Buckets that
 * are full again are forgotten, and the number of keys is capped, so a flood of distinct keys
 * cannot exhaust memory.
 */
export interface TokenBucketOptions {
  readonly capacity: number;
  readonly refillPerSec: number;
  readonly maxKeys?: number;
  readonly nowMs?: () => number;
}

interface Bucket {
  tokens: number;
  atMs: number;
}

export class TokenBucketLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly maxKeys: number;
  private readonly nowMs: () => number;

  constructor(private readonly options: TokenBucketOptions) {
    this.maxKeys = options.maxKeys ?? 50_000;
    this.nowMs = options.nowMs ?? Date.now;
  }

  /** Takes one token; returns 0 when allowed, else the seconds until one is available. */
  take(key: string): number {
    const now = this.nowMs();
    let bucket = this.buckets.get(key);
    if (bucket !== undefined) {
      bucket.tokens = Math.min(this.options.capacity, bucket.tokens + ((now - bucket.atMs) / 1000) * this.options.refillPerSec);
      bucket.atMs = now;
    } else {
      if (this.buckets.size >= this.maxKeys) this.sweep(now);
      bucket = { tokens: this.options.capacity, atMs: now };
      this.buckets.set(key, bucket);
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - bucket.tokens) / this.options.refillPerSec);
  }

  /** Drops buckets that have refilled; if all are busy, drops the oldest half. */
  private sweep(now: number): void {
    for (const [key, b] of this.buckets) {
      if (b.tokens + ((now - b.atMs) / 1000) * this.options.refillPerSec >= this.options.capacity) this.buckets.delete(key);
    }
    if (this.buckets.size >= this.maxKeys) {
      let n = Math.floor(this.buckets.size / 2);
      for (const key of this.buckets.keys()) {
        if (n-- <= 0) break;
        this.buckets.delete(key);
      }
    }
  }
}
