import { describe, expect, it } from 'vitest';
import { SimulatedWard, VITAL_HR, VITAL_SBP, VITAL_SPO2, VITAL_TEMP, vitalCount } from './simulated-vitals.ts';

const startMs = Date.UTC(2026, 10, 21, 10);

function run(seed: number, minutes: number): Float64Array[] {
  const ward = new SimulatedWard({ patients: 20, seed, startMs, deterioratingFraction: 0.5, deteriorationMinutes: 10 });
  const out: Float64Array[] = [];
  for (let s = 0; s <= minutes * 60; s += 5) {
    for (let p = 0; p < 20; p++) {
      const v = new Float64Array(vitalCount);
      ward.sample(p, startMs + s * 1000, v);
      out.push(v);
    }
  }
  return out;
}

describe('simulated ward vitals', () => {
  it('is reproducible from its seed', () => {
    expect(run(3, 2)).toEqual(run(3, 2));
    expect(run(3, 2)).not.toEqual(run(4, 2));
  });

  it('starts healthy and moves deteriorating patients towards NEWS2 red bands while the others stay put', () => {
    const ward = new SimulatedWard({ patients: 50, seed: 9, startMs, deterioratingFraction: 0.3, deteriorationMinutes: 10 });
    const v = new Float64Array(vitalCount);
    const late = startMs + 30 * 60_000;
    let deteriorating = 0;
    for (let p = 0; p < 50; p++) {
      ward.sample(p, startMs, v);
      expect(v[VITAL_HR]).toBeLessThan(100);
      expect(v[VITAL_SPO2]).toBeGreaterThanOrEqual(93);
      for (let t = startMs; t <= late; t += 60_000) ward.sample(p, t, v);
      if (ward.isDeteriorating(p)) {
        deteriorating += 1;
        // Baseline HR ≤ 88 + 45 shift, noise SD 3: well above the NEWS2 91–110 band start.
        expect(v[VITAL_HR]).toBeGreaterThan(95);
        expect(v[VITAL_SBP]).toBeLessThan(105);
        expect(v[VITAL_TEMP]).toBeGreaterThan(37.8);
      } else {
        expect(v[VITAL_HR]).toBeLessThan(100);
        expect(v[VITAL_SPO2]).toBeGreaterThanOrEqual(93);
      }
      // Values are what monitors report: integers (HR, SpO2) and 0.1 °C.
      expect(Number.isInteger(v[VITAL_HR])).toBe(true);
      expect(Math.round((v[VITAL_TEMP] as number) * 10) / 10).toBe(v[VITAL_TEMP]);
      expect(v[VITAL_SPO2]).toBeLessThanOrEqual(100);
    }
    expect(deteriorating).toBeGreaterThan(5);
    expect(deteriorating).toBeLessThan(30);
  });
});
