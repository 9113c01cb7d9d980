import { describe, expect, it } from 'vitest';
import { tTestPower, tTestSampleSize } from './sample-size.ts';

describe('power and sample size of t tests', () => {
  it("matches R power.t.test examples and Cohen's tables", () => {
    // R ?power.t.test: power.t.test(n = 20, delta = 1) → power = 0.8689528 (one tail; both tails add 2e-7).
    expect(tTestPower({ design: 'two-sample', delta: 1, sd: 1 }, 20)).toBeCloseTo(0.86895302772399, 8);
    // power.t.test(power = .90, delta = 1) → n = 22.02110 per group.
    const s = tTestSampleSize({ design: 'two-sample', delta: 1, sd: 1 }, 0.9);
    expect(s.nExact!).toBeCloseTo(22.0211, 3);
    expect(s.n).toBe(23);
    // Cohen (1988) Table 2.4.1: d = 0.5, two-sided α = 0.05, power 0.80 → 64 per group.
    expect(tTestSampleSize({ design: 'two-sample', delta: 5, sd: 10 }, 0.8).n).toBe(64);
    // Paired, d_z = 0.5, power 0.8 → 34 pairs (SciPy root 33.367); d_z = 0.3, power 0.9 → 119 (118.687).
    expect(tTestSampleSize({ design: 'paired', delta: -0.5, sd: 1 }, 0.8).n).toBe(34);
    expect(tTestSampleSize({ design: 'paired', delta: 0.3, sd: 1 }, 0.9).nExact!).toBeCloseTo(118.6865, 3);
  });

  it('needs no finite trial for a zero effect', () => {
    expect(tTestSampleSize({ design: 'paired', delta: 0, sd: 1 }, 0.8).n).toBeNull();
  });
});
