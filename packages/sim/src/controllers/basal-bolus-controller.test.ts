import { describe, expect, it } from 'vitest';
import { BasalBolusController } from './basal-bolus-controller.ts';
import type { ControllerAction, ControllerObservation, ControllerPatient } from './insulin-controller.ts';

// adult#001 (Quest.csv: CR 10 g/U, CF 8.77 mg/dL/U); basal u2ss·BW/6000 rounded for the test.
const patient: ControllerPatient = {
  basalUPerMin: 0.0223,
  carbRatioGPerU: 10,
  correctionFactorMgDlPerU: 8.77,
  totalDailyInsulinU: 50,
  bodyWeightKg: 102,
};
const obs = (cgm: number, carbs: number, t = 0): ControllerObservation => ({
  tMin: t,
  cgmMgDl: cgm,
  announcedCarbsG: carbs,
  intervalMin: 5,
});
const act = (c: BasalBolusController, o: ControllerObservation): ControllerAction => {
  const out = { basalUPerMin: 0, bolusU: 0 };
  c.act(o, out);
  return out;
};

describe('BasalBolusController (simglucose BBController)', () => {
  it('gives basal without a meal and carbs/CR + (CGM − 140)/CF above 150 with a meal', () => {
    const c = new BasalBolusController();
    c.reset(patient);
    expect(act(c, obs(200, 0))).toEqual({ basalUPerMin: 0.0223, bolusU: 0 });
    // 60 g / 10 + (200 − 140)/8.77 (the simglucose formula, glucose-model.md §6).
    expect(act(c, obs(200, 60)).bolusU).toBeCloseTo(6 + 60 / 8.77, 12);
    // No correction at or below 150 mg/dL.
    expect(act(c, obs(150, 60)).bolusU).toBeCloseTo(6, 12);
  });

  it('applies CR, CF and basal scales as multipliers of the Quest settings', () => {
    const c = new BasalBolusController({ crScale: 0.8, cfScale: 0.5, basalScale: 1.2 });
    c.reset(patient);
    const a = act(c, obs(200, 60));
    expect(a.basalUPerMin).toBeCloseTo(0.0223 * 1.2, 12);
    expect(a.bolusU).toBeCloseTo(60 / 8 + 60 / (8.77 * 0.5), 12);
  });

  it('supports basal-only therapy and stand-alone high corrections spaced by the interval', () => {
    const none = new BasalBolusController({ mealBolus: false, correction: 'none' });
    none.reset(patient);
    expect(act(none, obs(300, 80)).bolusU).toBe(0);
    const high = new BasalBolusController({ correction: 'with-meal-and-high' });
    high.reset(patient);
    expect(act(high, obs(260, 0, 0)).bolusU).toBeCloseTo(120 / 8.77, 12);
    expect(act(high, obs(260, 0, 100)).bolusU).toBe(0);
    expect(act(high, obs(260, 0, 180)).bolusU).toBeCloseTo(120 / 8.77, 12);
  });
});
