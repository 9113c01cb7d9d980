import { normalCdf } from './normal-distribution.ts';
import { midRanks, tieSum } from './ranks.ts';
import type { RankTestResult } from './wilcoxon-signed-rank.ts';

/**
 * Mann–Whitney U (Wilcoxon rank-sum) test of two independent samples (Mann & Whitney 1947; Hollander
 * & Wolfe §4.1), two-sided. U = R_a − m(m+1)/2 with R_a the sum of the mid-ranks of sample a in the
 * pooled sample (R's `W`).
 *
 * - exact null distribution (all C(m+n, m) rank assignments, by the recurrence
 *   f(u; m, n) = f(u − n; m − 1, n) + f(u; m, n − 1)) when m < 50, n < 50 and there are no ties (R's rule);
 * - otherwise the normal approximation, Var(U) = mn/12·((N + 1) − Σ(t³ − t)/(N(N − 1))), N = m + n,
 *   with continuity correction ±½ towards the mean.
 */
const exactLimit = 50;

export function mannWhitneyU(a: ArrayLike<number>, b: ArrayLike<number>): RankTestResult {
  const m = a.length;
  const n = b.length;
  if (m === 0 || n === 0) return { test: 'mann-whitney-u', statistic: Number.NaN, pValue: Number.NaN, method: 'exact', n: m + n };
  const pooled = new Float64Array(m + n);
  for (let i = 0; i < m; i++) pooled[i] = a[i]!;
  for (let j = 0; j < n; j++) pooled[m + j] = b[j]!;
  const { ranks, tieSizes } = midRanks(pooled);
  let ra = 0;
  for (let i = 0; i < m; i++) ra += ranks[i]!;
  const u = ra - (m * (m + 1)) / 2;

  if (m < exactLimit && n < exactLimit && tieSizes.length === 0) {
    const dist = mannWhitneyDistribution(m, n);
    let lower = 0;
    let upper = 0;
    for (let s = 0; s < dist.length; s++) {
      if (s <= u) lower += dist[s]!;
      if (s >= u) upper += dist[s]!;
    }
    return { test: 'mann-whitney-u', statistic: u, pValue: Math.min(1, 2 * Math.min(lower, upper)), method: 'exact', n: m + n };
  }
  const total = m + n;
  const expected = (m * n) / 2;
  const variance = ((m * n) / 12) * (total + 1 - tieSum(tieSizes) / (total * (total - 1)));
  const diff = u - expected;
  if (variance <= 0) return { test: 'mann-whitney-u', statistic: u, pValue: 1, method: 'normal-approximation', n: total };
  const z = (diff - Math.sign(diff) * 0.5) / Math.sqrt(variance);
  return {
    test: 'mann-whitney-u',
    statistic: u,
    pValue: Math.min(1, 2 * normalCdf(-Math.abs(z))),
    method: 'normal-approximation',
    n: total,
  };
}

/** P(U = u), u = 0..mn, under H0, as probabilities (stable for m, n up to a few hundred). */
export function mannWhitneyDistribution(m: number, n: number): Float64Array {
  // Table over sample sizes (i, j) built row by row; each entry is a distribution over u = 0..i·j.
  // P_{i,j}(u) = i/(i+j)·P_{i−1,j}(u − j) + j/(i+j)·P_{i,j−1}(u) (the largest pooled value belongs to
  // sample a with probability i/(i+j) and then exceeds all j values of b).
  let prev: Float64Array[] = Array.from({ length: n + 1 }, () => Float64Array.of(1));
  for (let i = 1; i <= m; i++) {
    const row: Float64Array[] = [Float64Array.of(1)];
    for (let j = 1; j <= n; j++) {
      const out = new Float64Array(i * j + 1);
      const fromA = prev[j]!;
      const fromB = row[j - 1]!;
      const wa = i / (i + j);
      const wb = j / (i + j);
      for (let s = 0; s < fromA.length; s++) out[s + j] = out[s + j]! + wa * fromA[s]!;
      for (let s = 0; s < fromB.length; s++) out[s] = out[s]! + wb * fromB[s]!;
      row.push(out);
    }
    prev = row;
  }
  return prev[n]!;
}
