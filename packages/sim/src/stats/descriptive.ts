import { studentTQuantile } from './student-t.ts';

/** Summary of one sample with a t-based confidence interval for its mean. */
export interface MeanSummary {
  readonly n: number;
  readonly mean: number;
  /** Sample SD (n − 1); NaN below two values. */
  readonly sd: number;
  readonly se: number;
  /** [lo, hi] = mean ∓ t_{1−α/2, n−1}·SD/√n; [mean, mean] when SD = 0, NaN below two values. */
  readonly ci: readonly [number, number];
  readonly level: number;
}

/** Arithmetic mean (two-pass free: values are small arrays of per-patient endpoints). */
export function mean(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  let s = 0;
  for (let i = 0; i < n; i++) s += values[i]!;
  return s / n;
}

/** Sample standard deviation with n − 1 in the denominator (two-pass). */
export function sampleSd(values: ArrayLike<number>): number {
  const n = values.length;
  if (n < 2) return Number.NaN;
  const m = mean(values);
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i]! - m) ** 2;
  return Math.sqrt(ss / (n - 1));
}

/**
 * Mean with the Student-t confidence interval (Student 1908; e.g. Altman, "Practical Statistics for
 * Medical Research", §8.5): mean ± t_{1−α/2, n−1}·s/√n.
 */
export function meanWithCi(values: ArrayLike<number>, level = 0.95): MeanSummary {
  const n = values.length;
  const m = mean(values);
  const sd = sampleSd(values);
  if (n < 2) return { n, mean: m, sd, se: Number.NaN, ci: [Number.NaN, Number.NaN], level };
  const se = sd / Math.sqrt(n);
  const half = se === 0 ? 0 : studentTQuantile(1 - (1 - level) / 2, n - 1) * se;
  return { n, mean: m, sd, se, ci: [m - half, m + half], level };
}
