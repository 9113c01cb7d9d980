import { describe, expect, it } from 'vitest';
import { bgRiskIndices, kovatchevF, kovatchevRisk } from './glucose-risk.ts';

describe('Kovatchev risk function (Diabetes Care 1997;20:1655)', () => {
  it('is symmetric by construction: f ≈ 0 at 112.5 mg/dL and r ≈ 100 at both ends of the 20–600 mg/dL scale (tolerance 0.1)', () => {
    expect(Math.abs(kovatchevF(112.5))).toBeLessThan(1e-3);
    expect(kovatchevRisk(20)).toBeCloseTo(100, 0);
    expect(kovatchevRisk(600)).toBeCloseTo(100, 0);
    expect(Math.abs(kovatchevRisk(20) - 100)).toBeLessThan(0.1);
    expect(Math.abs(kovatchevRisk(600) - 100)).toBeLessThan(0.1);
  });

  // Expected values worked by hand (calculator, 10 significant digits) from
  // f = 1.509·((ln g)^1.084 − 5.381), r = 10 f²; tolerance 1e-6 absolute.
  it.each([
    [50, -1.500014848, 22.50044545],
    [70, -0.88063645, 7.755205571],
    [180, 0.879165031, 7.729311511],
    [250, 1.497871812, 22.43619967],
  ])('g = %d mg/dL: f = %f, r = %f', (g, f, r) => {
    expect(kovatchevF(g)).toBeCloseTo(f, 6);
    expect(kovatchevRisk(g)).toBeCloseTo(r, 6);
  });
});

describe('LBGI / HBGI', () => {
  it('averages one-sided risks over ALL readings (rl = 0 above 112.5, rh = 0 below)', () => {
    // Half at 50, half at 200: LBGI = r(50)/2 = 11.25022, HBGI = r(200)/2 = 5.802374.
    const { lbgi, hbgi } = bgRiskIndices([50, 200, 50, 200]);
    expect(lbgi).toBeCloseTo(22.50044545 / 2, 6);
    expect(hbgi).toBeCloseTo(11.60474812 / 2, 6);
  });

  it('is 0/0 near 112.5 and NaN for no data', () => {
    const near = bgRiskIndices([112.5, 112.5]);
    expect(near.lbgi).toBeLessThan(1e-5);
    expect(near.hbgi).toBe(0);
    expect(Number.isNaN(bgRiskIndices([]).lbgi)).toBe(true);
  });
});
