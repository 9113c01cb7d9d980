import { describe, expect, it } from 'vitest';
import { noncentralTCdf } from './noncentral-t.ts';
import { normalCdf, normalQuantile } from './normal-distribution.ts';
import { studentTCdf, studentTQuantile } from './student-t.ts';

describe('distributions', () => {
  it('matches printed t and normal quantiles (Fisher & Yates tables; A&S Table 26.1, 26.10) to 1e-6', () => {
    expect(studentTQuantile(0.975, 9)).toBeCloseTo(2.262157, 6);
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.706205, 5);
    expect(studentTQuantile(0.995, 30)).toBeCloseTo(2.749996, 6);
    expect(studentTQuantile(0.025, 9)).toBeCloseTo(-2.262157, 6);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 6);
    expect(normalCdf(1.5)).toBeCloseTo(0.9331928, 7);
  });

  it('agrees with SciPy 1.17.1 in the tails and for fractional df (relative 1e-9)', () => {
    // Values from scipy.stats (t.ppf, t.cdf, norm.ppf, norm.cdf), an independent implementation.
    expect(studentTQuantile(0.975, 2.5)).toBeCloseTo(3.5746548420036817, 9);
    expect(studentTQuantile(1e-6, 5)).toBeCloseTo(-24.771029720515948, 7);
    expect(studentTCdf(-2.5, 7)).toBeCloseTo(0.020496109292876444, 12);
    expect(normalQuantile(1e-10) / -6.361340902404056).toBeCloseTo(1, 12);
    expect(normalCdf(-8) / 6.22096057427174e-16).toBeCloseTo(1, 9);
  });

  it('computes the noncentral t CDF like SciPy nct.cdf (abs 1e-9)', () => {
    expect(noncentralTCdf(2.1, 10, 1.5)).toBeCloseTo(0.6897680934422801, 9);
    expect(noncentralTCdf(-1.0, 5, -2)).toBeCloseTo(0.8418643564430819, 9);
    expect(noncentralTCdf(3.0, 38, 3.16227766)).toBeCloseTo(0.43142392791594303, 9);
    expect(noncentralTCdf(1.0, 3, 0)).toBeCloseTo(0.8044988905221148, 9);
    expect(noncentralTCdf(-0.5, 12, 1.2)).toBeCloseTo(0.04635967971390352, 9);
  });
});
