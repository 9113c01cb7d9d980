import { Xoshiro128StarStar } from '../random/xoshiro128.ts';

/**
 * Percentile bootstrap confidence interval for a difference in means a − b (Efron & Tibshirani, "An
 * Introduction to the Bootstrap", 1993, §13.3), seeded so that it is reproducible:
 *
 * - paired: resample the n within-patient differences with replacement;
 * - unpaired: resample each group independently with replacement.
 *
 * The interval is the (α/2, 1 − α/2) type-7 quantiles of `resamples` bootstrap means.
 */
export interface BootstrapOptions {
  readonly paired: boolean;
  readonly resamples?: number;
  readonly seed?: number;
  readonly level?: number;
}

export function bootstrapMeanDifferenceCi(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  options: BootstrapOptions,
): readonly [number, number] {
  const resamples = options.resamples ?? 2000;
  const level = options.level ?? 0.95;
  const rng = new Xoshiro128StarStar(options.seed ?? 0);
  const draw = (n: number): number => Math.floor(rng.nextFloat64() * n);
  const stats = new Float64Array(resamples);
  if (options.paired) {
    if (a.length !== b.length) throw new RangeError('paired samples must have equal length');
    const n = a.length;
    if (n === 0) return [Number.NaN, Number.NaN];
    for (let r = 0; r < resamples; r++) {
      let s = 0;
      for (let i = 0; i < n; i++) {
        const k = draw(n);
        s += a[k]! - b[k]!;
      }
      stats[r] = s / n;
    }
  } else {
    const na = a.length;
    const nb = b.length;
    if (na === 0 || nb === 0) return [Number.NaN, Number.NaN];
    for (let r = 0; r < resamples; r++) {
      let sa = 0;
      for (let i = 0; i < na; i++) sa += a[draw(na)]!;
      let sb = 0;
      for (let i = 0; i < nb; i++) sb += b[draw(nb)]!;
      stats[r] = sa / na - sb / nb;
    }
  }
  stats.sort((x, y) => x - y);
  const q = (p: number): number => {
    const h = (resamples - 1) * p;
    const lo = Math.floor(h);
    const hi = Math.min(resamples - 1, lo + 1);
    return stats[lo]! + (h - lo) * (stats[hi]! - stats[lo]!);
  };
  const alpha = 1 - level;
  return [q(alpha / 2), q(1 - alpha / 2)];
}
