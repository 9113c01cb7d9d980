import { normalCdf } from './normal-distribution.ts';
import { midRanks, tieSum } from './ranks.ts';

/**
 * Wilcoxon signed-rank test of paired samples (Wilcoxon 1945; Hollander & Wolfe, "Nonparametric
 * Statistical Methods", §3.1), two-sided, on d_i = a_i − b_i:
 *
 * - zero differences are dropped (Wilcoxon's convention, as R `wilcox.test` and SciPy's default);
 * - V = sum of the mid-ranks of |d_i| over positive d_i;
 * - exact null distribution (all 2^n sign patterns, by dynamic programming over subset sums) when
 *   n < 50 and there are no ties — R's rule;
 * - otherwise the normal approximation with tie correction
 *   Var(V) = n(n+1)(2n+1)/24 − Σ(t³ − t)/48 and continuity correction ±½ towards the mean.
 *
 * Two-sided p = min(1, 2·min(P(V ≤ v), P(V ≥ v))). With no non-zero differences p = 1.
 */
export interface RankTestResult {
  readonly test: 'wilcoxon-signed-rank' | 'mann-whitney-u';
  readonly statistic: number;
  readonly pValue: number;
  readonly method: 'exact' | 'normal-approximation';
  /** Observations used (non-zero differences for the signed-rank test, m + n for Mann–Whitney). */
  readonly n: number;
}

const exactLimit = 50;

export function wilcoxonSignedRank(a: ArrayLike<number>, b: ArrayLike<number>): RankTestResult {
  if (a.length !== b.length) throw new RangeError('paired samples must have equal length');
  const d: number[] = [];
  for (let i = 0; i < a.length; i++) {
    const di = a[i]! - b[i]!;
    if (di !== 0 && !Number.isNaN(di)) d.push(di);
  }
  const n = d.length;
  if (n === 0) return { test: 'wilcoxon-signed-rank', statistic: 0, pValue: 1, method: 'exact', n: 0 };
  const { ranks, tieSizes } = midRanks(d.map(Math.abs));
  let v = 0;
  for (let i = 0; i < n; i++) if (d[i]! > 0) v += ranks[i]!;

  if (n < exactLimit && tieSizes.length === 0) {
    const dist = signedRankDistribution(n);
    let lower = 0;
    let upper = 0;
    for (let s = 0; s < dist.length; s++) {
      if (s <= v) lower += dist[s]!;
      if (s >= v) upper += dist[s]!;
    }
    return { test: 'wilcoxon-signed-rank', statistic: v, pValue: Math.min(1, 2 * Math.min(lower, upper)), method: 'exact', n };
  }
  const expected = (n * (n + 1)) / 4;
  const variance = (n * (n + 1) * (2 * n + 1)) / 24 - tieSum(tieSizes) / 48;
  const diff = v - expected;
  if (variance <= 0) return { test: 'wilcoxon-signed-rank', statistic: v, pValue: 1, method: 'normal-approximation', n };
  const z = (diff - Math.sign(diff) * 0.5) / Math.sqrt(variance);
  return {
    test: 'wilcoxon-signed-rank',
    statistic: v,
    pValue: Math.min(1, 2 * normalCdf(-Math.abs(z))),
    method: 'normal-approximation',
    n,
  };
}

/** P(V = s), s = 0..n(n+1)/2, under H0 (each rank's sign is + with probability ½, independently). */
export function signedRankDistribution(n: number): Float64Array {
  const max = (n * (n + 1)) / 2;
  const p = new Float64Array(max + 1);
  p[0] = 1;
  let top = 0;
  for (let r = 1; r <= n; r++) {
    top += r;
    for (let s = top; s >= 0; s--) {
      const without = p[s]! * 0.5;
      const withR = s >= r ? p[s - r]! * 0.5 : 0;
      p[s] = without + withR;
    }
  }
  return p;
}
