import { describe, expect, it } from 'vitest';
import { normalQuantile } from '../stats/normal-distribution.ts';
import { createForecastOutput, glucoseSeries } from './forecaster.ts';
import { createPersistenceForecaster, rmsChange } from './persistence.ts';

describe('normalQuantile (Acklam)', () => {
  // Reference values of Φ⁻¹ from standard normal tables (e.g. NIST/SEMATECH e-Handbook 1.3.6.7.1),
  // tolerance 1e-8 absolute (the approximation's relative error is < 1.15e-9).
  it.each([
    [0.5, 0],
    [0.95, 1.6448536269514722],
    [0.975, 1.959963984540054],
    [0.995, 2.5758293035489004],
    [0.01, -2.3263478740408408],
    [0.001, -3.090232306167813],
  ])('Φ⁻¹(%f) = %f', (p, z) => {
    expect(normalQuantile(p)).toBeCloseTo(z, 8);
  });

  it('handles the ends', () => {
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    expect(Number.isNaN(normalQuantile(1.5))).toBe(true);
  });
});

/** 5-min samples over `hours`, value from the time in minutes. */
function ramp(hours: number, value: (tMin: number) => number) {
  const n = hours * 12 + 1;
  const t = Array.from({ length: n }, (_, i) => i * 5);
  return glucoseSeries(t, t.map(value));
}

describe('persistence forecaster', () => {
  it('predicts the last value at every horizon', () => {
    const f = createPersistenceForecaster();
    const out = createForecastOutput(3);
    f.forecast(glucoseSeries([0, 5, 10], [100, 110, 123]), [30, 60, 120], out);
    expect(Array.from(out.pointMgDl)).toEqual([123, 123, 123]);
  });

  it('sets the interval from the RMS of observed h-step changes: a 1 mg/dL/5 min ramp gives σ₃₀ = 6', () => {
    const series = ramp(24, (t) => 100 + t / 5);
    expect(rmsChange(series, 30, 1440, 2.5, 24)).toBeCloseTo(6, 12);
    const f = createPersistenceForecaster({ intervalLevel: 0.9 });
    const out = createForecastOutput(2);
    f.forecast(series, [30, 60], out);
    const last = 100 + 1440 / 5;
    const z = 1.6448536269514722;
    expect(out.pointMgDl[0]).toBe(last);
    expect(out.lowerMgDl[0]).toBeCloseTo(last - z * 6, 6);
    expect(out.upperMgDl[1]).toBeCloseTo(last + z * 12, 6);
    expect(f.intervalLevel).toBe(0.9);
  });

  it('uses only the window: a jump older than 24 h does not widen the interval', () => {
    const series = ramp(48, (t) => (t < 600 ? 300 : 100));
    expect(rmsChange(series, 30, 1440, 2.5, 24)).toBe(0);
    expect(rmsChange(series, 30, 48 * 60, 2.5, 24)).toBeGreaterThan(0);
  });

  it('gives no interval (NaN) with too few pairs, but still a point', () => {
    const f = createPersistenceForecaster({ minPairs: 24 });
    const out = createForecastOutput(1);
    f.forecast(
      ramp(1, () => 100),
      [30],
      out,
    );
    expect(out.pointMgDl[0]).toBe(100);
    expect(Number.isNaN(out.lowerMgDl[0]!)).toBe(true);
  });

  it('finds pairs across jitter within the tolerance and skips gaps', () => {
    // Times jittered by ±1 min; a 2-hour gap in the middle.
    const t: number[] = [];
    for (let i = 0; i <= 288; i++) if (i < 100 || i > 124) t.push(i * 5 + (i % 2 === 0 ? 1 : -1));
    const s = glucoseSeries(
      t,
      t.map((x) => x),
    );
    // g = t, so a pair h apart within ±2.5 min differs by between 27.5 and 32.5 (here 28, 30 or 32).
    const rms = rmsChange(s, 30, 1440, 2.5, 24);
    expect(rms).toBeGreaterThan(28);
    expect(rms).toBeLessThan(32);
  });

  it('rejects a level outside (0, 1)', () => {
    expect(() => createPersistenceForecaster({ intervalLevel: 1 })).toThrow(RangeError);
  });
});
