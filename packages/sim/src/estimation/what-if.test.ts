import { beforeAll, describe, expect, it } from 'vitest';
import { testPatient, testPatients, testTherapies } from '../models/uva-padova/test-patients.ts';
import { GlucoseTwinEstimator } from './glucose-twin-estimator.ts';
import { populationNominalPatient, uvaPatientsOfGroup } from './population-nominal.ts';
import { simulateCgmDataset } from './simulated-cgm-dataset.ts';
import { dexcomLikeSensor5Min } from './test-sensor.ts';
import { glucoseTwinSettings } from './twin-settings.ts';
import { baselineOptionLabel, simulateWhatIf } from './what-if.ts';

describe('simulateWhatIf', () => {
  let est: GlucoseTwinEstimator;
  beforeAll(() => {
    const p = testPatient('adult#003');
    const ds = simulateCgmDataset(p, {
      days: 2,
      seed: 8,
      sensor: dexcomLikeSensor5Min,
      therapy: testTherapies.find((t) => t.name === p.name)!,
    });
    est = new GlucoseTwinEstimator(
      glucoseTwinSettings(populationNominalPatient(uvaPatientsOfGroup(testPatients, 'adult'), { exclude: [p.name] })),
      ds.log,
    );
    // Stop at 03:00 on day 2, long after the last meal, so "now" is a quiet fasting state.
    for (let i = 0; i < ds.cgm.timeMin.length && ds.cgm.timeMin[i]! <= 1620; i++)
      est.assimilate(ds.cgm.timeMin[i]!, ds.cgm.glucoseMgDl[i]!);
  });

  it('more insulin gives a lower median and a higher hypoglycaemia risk (monotone in the dose)', () => {
    const doses = [0, 1, 2, 4, 8];
    const out = simulateWhatIf(est, {
      options: doses.map((u) => ({ label: `${u} U`, boluses: u > 0 ? [{ inMin: 0, units: u }] : [] })),
      seed: 3,
    });
    expect(out.map((o) => o.label)).toEqual(doses.map((u) => `${u} U`));
    const at2h = out.map((o) => o.bands.p50[24]!);
    const nadir = out.map((o) => o.risk.medianNadirMgDl);
    for (let i = 1; i < doses.length; i++) {
      expect(at2h[i]).toBeLessThan(at2h[i - 1]!);
      expect(nadir[i]).toBeLessThan(nadir[i - 1]!);
      expect(out[i]!.risk.pBelow70).toBeGreaterThanOrEqual(out[i - 1]!.risk.pBelow70);
      expect(out[i]!.risk.minutesBelow70).toBeGreaterThanOrEqual(out[i - 1]!.risk.minutesBelow70);
    }
    expect(out[4]!.risk.pBelow70).toBeGreaterThan(out[0]!.risk.pBelow70);
    expect(out[4]!.risk.pBelow54).toBeGreaterThan(0);
  });

  it('a meal raises glucose and hyperglycaemia risk; suspending basal raises glucose slowly', () => {
    const [base, meal, suspend] = simulateWhatIf(est, {
      options: [
        { label: '60 g meal in 30 min', meals: [{ inMin: 30, carbsG: 60 }] },
        { label: 'suspend basal 2 h', basal: [{ fromMin: 0, toMin: 120, basalUPerMin: 0 }] },
      ],
      seed: 3,
    });
    expect(base!.label).toBe(baselineOptionLabel);
    expect(meal!.bands.p50[18]!).toBeGreaterThan(base!.bands.p50[18]! + 30);
    expect(meal!.risk.pAbove180).toBeGreaterThan(base!.risk.pAbove180);
    expect(meal!.bands.p50[5]).toBeCloseTo(base!.bands.p50[5]!, 6);
    expect(suspend!.bands.p50[36]!).toBeGreaterThan(base!.bands.p50[36]!);
  });

  it('returns ordered 5–95 % bands every 5 min, reproducibly from the seed', () => {
    const req = { options: [{ label: 'bolus 2 U', boluses: [{ inMin: 0, units: 2 }] }], horizonMin: 120, members: 50, seed: 11 };
    const a = simulateWhatIf(est, req);
    const b = simulateWhatIf(est, req);
    const c = simulateWhatIf(est, { ...req, seed: 12 });
    expect(a).toEqual(b);
    expect(c[1]!.bands.p95).not.toEqual(a[1]!.bands.p95);
    const bands = a[1]!.bands;
    expect(bands.timesMin).toEqual(Array.from({ length: 25 }, (_, k) => 5 * k));
    for (let k = 0; k < bands.timesMin.length; k++) {
      expect(bands.p5[k]).toBeLessThanOrEqual(bands.p25[k]!);
      expect(bands.p25[k]).toBeLessThanOrEqual(bands.p50[k]!);
      expect(bands.p50[k]).toBeLessThanOrEqual(bands.p75[k]!);
      expect(bands.p75[k]).toBeLessThanOrEqual(bands.p95[k]!);
    }
    expect(() => simulateWhatIf(est, { ...req, horizonMin: 2000 })).toThrow(RangeError);
    expect(() => simulateWhatIf(est, { ...req, members: 5 })).toThrow(RangeError);
  });

  it('does not disturb the estimate it starts from', () => {
    const before = Array.from(est.mean);
    simulateWhatIf(est, { options: [{ label: 'x', boluses: [{ inMin: 0, units: 3 }] }] });
    expect(Array.from(est.mean)).toEqual(before);
  });
});
