import { describe, expect, it } from 'vitest';
import { mixSeed } from './seed-mix.ts';

describe('mixSeed', () => {
  it('is a pure function of its inputs and separates neighbouring coordinates', () => {
    expect(mixSeed(7, 1, 2, 3)).toBe(mixSeed(7, 1, 2, 3));
    const seen = new Set<number>();
    for (let p = 0; p < 100; p++) for (let d = 0; d < 100; d++) seen.add(mixSeed(1, 1, p, d));
    expect(seen.size).toBe(10_000);
    expect(mixSeed(1, 1, 2)).not.toBe(mixSeed(1, 2, 1));
    expect(Number.isSafeInteger(mixSeed(2 ** 52, 2 ** 40))).toBe(true);
  });
});
