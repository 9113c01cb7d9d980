import type { Xoshiro128StarStar } from './xoshiro128.ts';

/**
 * Standard normal variates by the Marsaglia–Bray polar method (Marsaglia & Bray, SIAM Review 6(3),
 * 1964): two uniforms in the unit disc give two independent N(0, 1) draws; the second is kept for the
 * next call. Allocation-free, deterministic for a given generator state.
 */
export class NormalSampler {
  private readonly rng: Xoshiro128StarStar;
  private hasSpare = false;
  private spare = 0;

  constructor(rng: Xoshiro128StarStar) {
    this.rng = rng;
  }

  /** Forgets the cached second variate (call after reseeding the generator). */
  reset(): void {
    this.hasSpare = false;
    this.spare = 0;
  }

  /** One N(0, 1) draw. */
  next(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let u = 0;
    let v = 0;
    let s = 0;
    do {
      u = 2 * this.rng.nextFloat64() - 1;
      v = 2 * this.rng.nextFloat64() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const factor = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * factor;
    this.hasSpare = true;
    return u * factor;
  }
}
