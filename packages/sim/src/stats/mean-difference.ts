import { mean, meanWithCi, sampleSd } from './descriptive.ts';
import { studentTQuantile, studentTTwoSidedP } from './student-t.ts';

/** A difference in means (a − b) with its t-based interval and two-sided test. */
export interface MeanDifference {
  readonly test: 'paired-t' | 'welch-t';
  readonly paired: boolean;
  readonly meanDiff: number;
  readonly ci: readonly [number, number];
  readonly level: number;
  readonly t: number;
  readonly df: number;
  readonly pValue: number;
  /** SD used for planning: SD of the differences (paired) or the pooled SD (unpaired). */
  readonly sdForPlanning: number;
}

/**
 * Paired t (Student 1908; Altman §9.6): d_i = a_i − b_i, mean(d) ± t_{1−α/2, n−1}·s_d/√n,
 * t = mean(d)/(s_d/√n). When every difference is zero the difference is exactly 0 with interval
 * [0, 0] and p = 1 (the t statistic is 0/0; no evidence of any difference).
 */
export function pairedMeanDifference(a: ArrayLike<number>, b: ArrayLike<number>, level = 0.95): MeanDifference {
  if (a.length !== b.length) throw new RangeError('paired samples must have equal length');
  const d = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) d[i] = a[i]! - b[i]!;
  const s = meanWithCi(d, level);
  const df = s.n - 1;
  if (s.n >= 2 && s.sd === 0) {
    const p = s.mean === 0 ? 1 : 0;
    return {
      test: 'paired-t',
      paired: true,
      meanDiff: s.mean,
      ci: [s.mean, s.mean],
      level,
      t: s.mean === 0 ? 0 : Math.sign(s.mean) * Infinity,
      df,
      pValue: p,
      sdForPlanning: 0,
    };
  }
  const t = s.mean / s.se;
  return {
    test: 'paired-t',
    paired: true,
    meanDiff: s.mean,
    ci: s.ci,
    level,
    t,
    df,
    pValue: studentTTwoSidedP(t, df),
    sdForPlanning: s.sd,
  };
}

/**
 * Welch's unequal-variance t (Welch 1947; Satterthwaite 1946 degrees of freedom):
 * se = √(s_a²/n_a + s_b²/n_b), df = se⁴ / ((s_a²/n_a)²/(n_a−1) + (s_b²/n_b)²/(n_b−1)).
 * The planning SD is the pooled SD √(((n_a−1)s_a² + (n_b−1)s_b²)/(n_a+n_b−2)).
 */
export function welchMeanDifference(a: ArrayLike<number>, b: ArrayLike<number>, level = 0.95): MeanDifference {
  const na = a.length;
  const nb = b.length;
  const diff = mean(a) - mean(b);
  const sa = sampleSd(a);
  const sb = sampleSd(b);
  const va = (sa * sa) / na;
  const vb = (sb * sb) / nb;
  const se = Math.sqrt(va + vb);
  const pooled = Math.sqrt(((na - 1) * sa * sa + (nb - 1) * sb * sb) / (na + nb - 2));
  if (!(na >= 2 && nb >= 2)) {
    return {
      test: 'welch-t',
      paired: false,
      meanDiff: diff,
      ci: [Number.NaN, Number.NaN],
      level,
      t: Number.NaN,
      df: Number.NaN,
      pValue: Number.NaN,
      sdForPlanning: pooled,
    };
  }
  if (se === 0) {
    return {
      test: 'welch-t',
      paired: false,
      meanDiff: diff,
      ci: [diff, diff],
      level,
      t: diff === 0 ? 0 : Math.sign(diff) * Infinity,
      df: na + nb - 2,
      pValue: diff === 0 ? 1 : 0,
      sdForPlanning: 0,
    };
  }
  const df = (va + vb) ** 2 / (va ** 2 / (na - 1) + vb ** 2 / (nb - 1));
  const half = studentTQuantile(1 - (1 - level) / 2, df) * se;
  const t = diff / se;
  return {
    test: 'welch-t',
    paired: false,
    meanDiff: diff,
    ci: [diff - half, diff + half],
    level,
    t,
    df,
    pValue: studentTTwoSidedP(t, df),
    sdForPlanning: pooled,
  };
}
