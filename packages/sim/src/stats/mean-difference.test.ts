import { describe, expect, it } from 'vitest';
import { meanWithCi } from './descriptive.ts';
import { pairedMeanDifference, welchMeanDifference } from './mean-difference.ts';
import { drug1, drug2 } from './test-samples.ts';

describe("t intervals on Student's sleep data (R t.test output; abs 1e-6)", () => {
  it('gives the paired difference, interval and p-value', () => {
    // R: t.test(extra ~ group, sleep, paired = TRUE): t = -4.0621, df = 9, p = 0.002833,
    // 95 % CI -2.4598858 -0.7001142, mean difference -1.58.
    const r = pairedMeanDifference(drug1, drug2);
    expect(r.meanDiff).toBeCloseTo(-1.58, 10);
    expect(r.ci[0]).toBeCloseTo(-2.4598858, 6);
    expect(r.ci[1]).toBeCloseTo(-0.7001142, 6);
    expect(r.t).toBeCloseTo(-4.0621277, 6);
    expect(r.df).toBe(9);
    expect(r.pValue).toBeCloseTo(0.002832890197384273, 8);
  });

  it("gives Welch's interval with Satterthwaite df", () => {
    // R: t.test(extra ~ group, sleep): t = -1.8608, df = 17.776, p = 0.07939, CI -3.3654832 0.2054832.
    const r = welchMeanDifference(drug1, drug2);
    expect(r.ci[0]).toBeCloseTo(-3.3654832, 6);
    expect(r.ci[1]).toBeCloseTo(0.2054832, 6);
    expect(r.df).toBeCloseTo(17.776473516178488, 8);
    expect(r.pValue).toBeCloseTo(0.0793941401873583, 8);
  });

  it('gives the one-sample mean interval', () => {
    // Mean 0.75, SD 1.78901; 0.75 ± 2.262157·1.78901/√10 (R: t.test(sleep$extra[1:10]) → -0.5297804 2.0297804).
    const s = meanWithCi(drug1);
    expect(s.mean).toBeCloseTo(0.75, 12);
    expect(s.ci[0]).toBeCloseTo(-0.5297804, 6);
    expect(s.ci[1]).toBeCloseTo(2.0297804, 6);
  });

  it('reports no difference (p = 1) when every paired difference is zero', () => {
    const r = pairedMeanDifference([1, 2, 3], [1, 2, 3]);
    expect(r.meanDiff).toBe(0);
    expect(r.ci).toEqual([0, 0]);
    expect(r.pValue).toBe(1);
  });
});
