import { describe, expect, it } from 'vitest';
import { largeU, largeV } from './test-samples.ts';
import { signedRankDistribution, wilcoxonSignedRank } from './wilcoxon-signed-rank.ts';

describe('Wilcoxon signed-rank', () => {
  // Hollander & Wolfe (1973), p. 29: Hamilton depression scale before (x) and after (y) a tranquilizer,
  // 9 patients; R ?wilcox.test: V = 40, one-sided p = 0.01953 (exact), two-sided 0.03906.
  const x = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3];
  const y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];

  it('reproduces the textbook exact result (abs 1e-12)', () => {
    const r = wilcoxonSignedRank(x, y);
    expect(r.statistic).toBe(40);
    expect(r.method).toBe('exact');
    expect(r.pValue).toBeCloseTo(0.0390625, 12);
  });

  it('has an exact null distribution summing to 1 with the known mean n(n+1)/4', () => {
    const p = signedRankDistribution(12);
    let total = 0;
    let m = 0;
    p.forEach((v, s) => {
      total += v;
      m += v * s;
    });
    expect(total).toBeCloseTo(1, 14);
    expect(m).toBeCloseTo(39, 12);
    // P(V = 0) = 2^-12.
    expect(p[0]).toBe(2 ** -12);
  });

  it('uses the tie- and continuity-corrected normal approximation like SciPy (abs 1e-9)', () => {
    // scipy.stats.wilcoxon(u, v, correction=True, method='approx') = 0.00905647628729604
    const r = wilcoxonSignedRank(largeU, largeV);
    expect(r.method).toBe('normal-approximation');
    expect(r.pValue).toBeCloseTo(0.00905647628729604, 9);
  });

  it('gives p = 1 without any non-zero difference', () => {
    expect(wilcoxonSignedRank([1, 2], [1, 2]).pValue).toBe(1);
  });
});
