import { describe, expect, it } from 'vitest';
import { testPatient, testTherapies } from '../models/uva-padova/test-patients.ts';
import { simulateCgmDataset } from './simulated-cgm-dataset.ts';
import { dexcomLikeSensor5Min } from './test-sensor.ts';

describe('simulateCgmDataset', () => {
  const p = testPatient('adult#002');
  const therapy = testTherapies.find((t) => t.name === p.name)!;

  it('is reproducible from the seed and differs between seeds', () => {
    const a = simulateCgmDataset(p, { days: 2, seed: 1, sensor: dexcomLikeSensor5Min, therapy });
    const b = simulateCgmDataset(p, { days: 2, seed: 1, sensor: dexcomLikeSensor5Min, therapy });
    const c = simulateCgmDataset(p, { days: 2, seed: 2, sensor: dexcomLikeSensor5Min, therapy });
    expect(Array.from(a.cgm.glucoseMgDl)).toEqual(Array.from(b.cgm.glucoseMgDl));
    expect(a.log).toEqual(b.log);
    expect(c.log.meals).not.toEqual(a.log.meals);
  });

  it('samples every 5 min with dropouts and one 30–120 min gap per day', () => {
    const d = simulateCgmDataset(p, { days: 3, seed: 7, sensor: dexcomLikeSensor5Min, therapy });
    const t = d.cgm.timeMin;
    const possible = (3 * 1440) / 5;
    expect(t.length).toBeLessThan(possible);
    expect(t.length).toBeGreaterThan(0.85 * possible);
    for (let i = 0; i < t.length; i++) expect(t[i]! % 5).toBe(0);
    let longGaps = 0;
    for (let i = 1; i < t.length; i++) if (t[i]! - t[i - 1]! > 30) longGaps += 1;
    expect(longGaps).toBeGreaterThanOrEqual(2);
    expect(d.trueBgMgDl).toHaveLength(3 * 1440 + 1);
  });

  // simglucose BBController rule: a meal bolus carbs/CR (+ correction above 150 mg/dL) at the next
  // CGM sample after the meal (a meal in a sample's own minute is seen at the following sample).
  it('logs the basal, meals and basal–bolus boluses the patient received', () => {
    const d = simulateCgmDataset(p, { days: 2, seed: 3, sensor: dexcomLikeSensor5Min, therapy, dropoutProbability: 0, gapsPerDay: 0 });
    expect(d.log.basal).toEqual([{ timeMin: 0, uPerH: ((p.u2ssPmolPerKgMin * p.bodyWeightKg) / 6000) * 60 }]);
    expect(d.log.meals.length).toBeGreaterThanOrEqual(6);
    for (const m of d.log.meals) {
      const bolus = d.log.boluses.find((b) => b.timeMin > m.timeMin && b.timeMin <= m.timeMin + 5);
      expect(bolus, `bolus for meal at ${m.timeMin}`).toBeDefined();
      expect(bolus!.units).toBeGreaterThanOrEqual(m.grams / therapy.carbRatioGPerU - 1e-9);
    }
  });
});
