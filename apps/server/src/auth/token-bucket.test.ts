import { describe, expect, it } from 'vitest';
import { TokenBucketLimiter } from './token-bucket.ts';

describe('token bucket', () => {
  it('allows a burst of capacity, then one per refill interval', () => {
    let now = 0;
    const limiter = new TokenBucketLimiter({ capacity: 3, refillPerSec: 0.5, nowMs: () => now });
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([0, 0, 0]);
    expect(limiter.take('a')).toBe(2);
    expect(limiter.take('b')).toBe(0);
    now += 2000;
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(2);
  });

  it('caps the number of keys it remembers', () => {
    let now = 0;
    const limiter = new TokenBucketLimiter({ capacity: 1, refillPerSec: 1, maxKeys: 10, nowMs: () => now });
    for (let i = 0; i < 100; i++) limiter.take(`k${i}`);
    now += 5000;
    for (let i = 0; i < 100; i++) expect(limiter.take(`fresh${i}`)).toBe(0);
    expect((limiter as unknown as { buckets: Map<string, unknown> }).buckets.size).toBeLessThanOrEqual(10);
  });
});
