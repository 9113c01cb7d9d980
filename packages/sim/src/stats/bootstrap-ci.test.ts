import { describe, expect, it } from 'vitest';
import { bootstrapMeanDifferenceCi } from './bootstrap-ci.ts';
import { drug1, drug2 } from './test-samples.ts';

describe('bootstrap', () => {
  it('is reproducible with a seed and close to the t interval (±0.5 h) on the sleep data', () => {
    const one = bootstrapMeanDifferenceCi(drug1, drug2, { paired: true, seed: 7, resamples: 4000 });
    const two = bootstrapMeanDifferenceCi(drug1, drug2, { paired: true, seed: 7, resamples: 4000 });
    expect(one).toEqual(two);
    // Paired t interval [-2.46, -0.70] (mean-difference.test.ts).
    expect(Math.abs(one[0] - -2.46)).toBeLessThan(0.5);
    expect(Math.abs(one[1] - -0.7)).toBeLessThan(0.5);
    expect(one[1]).toBeLessThan(0);
    const unpaired = bootstrapMeanDifferenceCi(drug1, drug2, { paired: false, seed: 7, resamples: 4000 });
    // Welch interval [-3.37, 0.21]: wider than the paired one.
    expect(unpaired[1] - unpaired[0]).toBeGreaterThan(one[1] - one[0]);
  });
});
