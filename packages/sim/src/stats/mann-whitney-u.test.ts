import { describe, expect, it } from 'vitest';
import { mannWhitneyDistribution, mannWhitneyU } from './mann-whitney-u.ts';
import { largeU, largeV } from './test-samples.ts';

describe('Mann–Whitney U', () => {
  // Hollander & Wolfe (1973), p. 69: permeability constants; R ?wilcox.test: W = 35, one-sided
  // p = 0.1272 (exact); two-sided 0.2544.
  const a = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
  const b = [1.15, 0.88, 0.9, 0.74, 1.21];

  it('reproduces the textbook exact result (abs 1e-12)', () => {
    const r = mannWhitneyU(a, b);
    expect(r.statistic).toBe(35);
    expect(r.method).toBe('exact');
    expect(r.pValue).toBeCloseTo(0.2544122544122544, 12);
  });

  it('has an exact distribution matching direct enumeration for m = 3, n = 2', () => {
    // The 10 rank assignments give U = 0,1,2,2,3,3,4,4,5,6 → P = [1,1,2,2,2,1,1]/10.
    expect(Array.from(mannWhitneyDistribution(3, 2)).map((p) => Math.round(p * 10))).toEqual([1, 1, 2, 2, 2, 1, 1]);
  });

  it('uses the tie- and continuity-corrected normal approximation like SciPy (abs 1e-9)', () => {
    // scipy.stats.mannwhitneyu(u, v, use_continuity=True, method='asymptotic') = 0.010517831388945402
    const r = mannWhitneyU(largeU, largeV);
    expect(r.statistic).toBe(3949.5);
    expect(r.pValue).toBeCloseTo(0.010517831388945402, 9);
  });
});
