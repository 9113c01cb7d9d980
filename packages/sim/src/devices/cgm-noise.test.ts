import { describe, expect, it } from 'vitest';
import sensorCsv from '../../data/uva-padova/sensor_params.csv?raw';
import { JohnsonCgmNoise } from './cgm-noise.ts';
import { parseCgmSensorParamsCsv } from './device-params.ts';

const sensors = parseCgmSensorParamsCsv(sensorCsv);
const dexcom = sensors.find((s) => s.name === 'Dexcom')!;

/**
 * Moments of ε = xi + λ·sinh((e − γ)/δ) for e ~ N(0, σ²): with a = σ/δ, c = −γ/δ,
 * E[sinh(aZ + c)] = e^{a²/2}·sinh c and E[sinh²] = (e^{2a²}·cosh 2c − 1)/2 (lognormal moments).
 */
function johnsonMoments(sigma2: number): { mean: number; sd: number } {
  const { xi, lambda, gamma, delta } = dexcom;
  const a2 = sigma2 / (delta * delta);
  const c = -gamma / delta;
  const m = Math.exp(a2 / 2) * Math.sinh(c);
  const s2 = (Math.exp(2 * a2) * Math.cosh(2 * c) - 1) / 2;
  return { mean: xi + lambda * m, sd: lambda * Math.sqrt(s2 - m * m) };
}

describe('JohnsonCgmNoise (simglucose CGMNoise)', () => {
  it('is reproducible from its seed and differs between seeds', () => {
    const take = (seed: number) => {
      const n = new JohnsonCgmNoise(dexcom, seed);
      return Array.from({ length: 120 }, () => n.next());
    };
    expect(take(7)).toEqual(take(7));
    expect(take(7)).not.toEqual(take(8));
    const n = new JohnsonCgmNoise(dexcom, 7);
    const first = n.next();
    n.reset(7);
    expect(n.next()).toBe(first);
  });

  it.each(sensors.map((s) => [s.name, s] as const))('%s: samples every sample_time hit the 15-minute grid values exactly', (_, params) => {
    // The sample at t = 15k is the k-th value of the AR(1)/Johnson grid sequence (the spline
    // interpolates its knots), across block boundaries too (t = 150, 300, ...).
    const stream = new JohnsonCgmNoise(params, 3);
    // Same seed: its constructor drew the t = 0 grid value, so nextGridNoise() yields t = 15, 30, ...
    const grid = new JohnsonCgmNoise(params, 3);
    const gridValues = Array.from({ length: 25 }, () => grid.nextGridNoise());
    const perGrid = 15 / params.sampleTimeMin;
    for (let k = 1; k <= 25; k++) {
      let v = 0;
      for (let j = 0; j < perGrid; j++) v = stream.next();
      expect(v).toBeCloseTo(gridValues[k - 1]!, 10);
    }
  });

  it('has the Johnson SU mean and sd of the stationary AR(1) process and lag-1 correlation PACF', () => {
    // Stationary variance of e_k = PACF·(e_{k−1} + N(0,1)) is PACF²/(1 − PACF²).
    const pacf = dexcom.pacf;
    const expected = johnsonMoments((pacf * pacf) / (1 - pacf * pacf));
    const n = 100_000;
    const values = new Float64Array(n);
    const es = new Float64Array(n);
    let i = 0;
    for (let seed = 1; i < n; seed++) {
      const g = new JohnsonCgmNoise(dexcom, seed);
      g.nextGridNoise(); // burn-in: e_0 ~ N(0,1) is not yet stationary
      for (let k = 0; k < 1000 && i < n; k++, i++) {
        const eps = g.nextGridNoise();
        values[i] = eps;
        es[i] = dexcom.gamma + dexcom.delta * Math.asinh((eps - dexcom.xi) / dexcom.lambda);
      }
    }
    let sum = 0;
    for (const v of values) sum += v;
    const mean = sum / n;
    let sq = 0;
    for (const v of values) sq += (v - mean) ** 2;
    const sd = Math.sqrt(sq / (n - 1));
    // Effective sample size ≈ n·(1 − 0.7)/(1 + 0.7) ≈ 17 600, so the mean's standard error is ≈ 0.09 mg/dL:
    // tolerance 0.5 mg/dL on the mean, 3 % on the sd.
    expect(Math.abs(mean - expected.mean)).toBeLessThan(0.5);
    expect(Math.abs(sd / expected.sd - 1)).toBeLessThan(0.03);
    let num = 0;
    let den = 0;
    for (let k = 1; k < n; k++) {
      if (k % 1000 === 0) continue; // do not correlate across independent seeds
      num += es[k]! * es[k - 1]!;
    }
    for (const e of es) den += e * e;
    // Standard error of a lag-1 autocorrelation estimate ≈ sqrt((1 − ρ²)/n) ≈ 0.002; tolerance 0.02.
    expect(Math.abs(num / (n - n / 1000) / (den / n) - pacf)).toBeLessThan(0.02);
  });
});
