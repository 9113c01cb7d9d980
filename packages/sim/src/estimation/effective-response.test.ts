import { describe, expect, it } from 'vitest';
import { testPatient, testPatients, testTherapies } from '../models/uva-padova/test-patients.ts';
import { patientEffectiveResponse, twinEffectiveResponse } from './effective-response.ts';
import { GlucoseTwinEstimator } from './glucose-twin-estimator.ts';
import { simulateCgmDataset } from './simulated-cgm-dataset.ts';
import { dexcomLikeSensor5Min } from './test-sensor.ts';
import { summarizeTwinEstimate } from './twin-estimate-summary.ts';
import { glucoseTwinSettings } from './twin-settings.ts';

describe('effective responses', () => {
  // Oracle: a twin built on the patient itself with neutral scales is the patient's own model
  // (cascade exactness), so both must agree to rounding (RK4 at 1 step/min on both sides).
  it('agree between a patient and its neutral twin', () => {
    for (const name of ['adult#001', 'adolescent#004', 'child#009']) {
      const p = testPatient(name);
      const truth = patientEffectiveResponse(p);
      const twin = twinEffectiveResponse(p, 1, 1, 1);
      expect(truth.insulinSensitivityMgDlPerU).toBeGreaterThan(5);
      expect(twin.insulinSensitivityMgDlPerU).toBeCloseTo(truth.insulinSensitivityMgDlPerU, 2);
      expect(twin.carbSensitivityMgDlPerG).toBeCloseTo(truth.carbSensitivityMgDlPerG, 3);
    }
  });

  it('grow with the sensitivity and carb scales and with the insulin scale', () => {
    const p = testPatient('adult#001');
    const base = twinEffectiveResponse(p, 1, 1, 1);
    expect(twinEffectiveResponse(p, 1, 2, 1).insulinSensitivityMgDlPerU).toBeGreaterThan(1.5 * base.insulinSensitivityMgDlPerU);
    expect(twinEffectiveResponse(p, 2, 1, 1).insulinSensitivityMgDlPerU).toBeGreaterThan(1.8 * base.insulinSensitivityMgDlPerU);
    // Near-linear for a 10 g meal (Michaelis–Menten uptake bends it slightly): within 2 %.
    const half = twinEffectiveResponse(p, 1, 1, 0.5).carbSensitivityMgDlPerG;
    expect(Math.abs(half / (0.5 * base.carbSensitivityMgDlPerG) - 1)).toBeLessThan(0.02);
  });
});

describe('summarizeTwinEstimate', () => {
  it('reports the estimate in clinical units with credible intervals around the medians', () => {
    const p = testPatient('adult#007');
    const ds = simulateCgmDataset(p, {
      days: 1,
      seed: 1,
      sensor: dexcomLikeSensor5Min,
      therapy: testTherapies.find((t) => t.name === p.name)!,
    });
    const est = new GlucoseTwinEstimator(glucoseTwinSettings(testPatients.find((x) => x.name === 'adult#001')!), ds.log);
    expect(() => summarizeTwinEstimate(est)).toThrow(RangeError);
    for (let i = 0; i < ds.cgm.timeMin.length; i++) est.assimilate(ds.cgm.timeMin[i]!, ds.cgm.glucoseMgDl[i]!);
    const s = summarizeTwinEstimate(est);
    expect(s.nominalPatient).toBe('adult#001');
    expect(s.readingsAssimilated).toBe(ds.cgm.timeMin.length);
    expect(Math.abs(s.plasmaGlucoseMgDl - ds.trueBgMgDl[s.timeMin]!)).toBeLessThan(40);
    for (const scale of [s.insulinSensitivityScale, s.carbEffectScale, s.mealAbsorptionSpeed]) {
      expect(scale.lower90).toBeLessThan(scale.median);
      expect(scale.upper90).toBeGreaterThan(scale.median);
    }
    expect(s.effective.insulinSensitivityMgDlPerU).toBeGreaterThan(0);
  });
});
