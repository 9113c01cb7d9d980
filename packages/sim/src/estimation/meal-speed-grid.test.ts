import { describe, expect, it } from 'vitest';
import { uvaState } from '../models/uva-padova/state.ts';
import { testPatient } from '../models/uva-padova/test-patients.ts';
import { ExogenousSignals } from './insulin-meal-driver.ts';
import { defaultMealSpeedGrid, MealSpeedGrid } from './meal-speed-grid.ts';
import { DIST, GLUCOSE_MEMBER_SIZE, GP, GS, GT, TwinGlucoseDynamics } from './twin-glucose-dynamics.ts';

const p = testPatient('adult#003');
const minutes = 2880;

function runGrid(grid: MealSpeedGrid, carbsG: number): ExogenousSignals {
  const carbs = new Float64Array(minutes);
  carbs[10] = carbsG;
  const insulin = new Float64Array(minutes).fill(grid.unit.model.basalUPerMin);
  const sig = new ExogenousSignals(minutes, 1, grid.channels);
  grid.run(carbs, insulin, 0, minutes, sig);
  return sig;
}

describe('MealSpeedGrid', () => {
  it('spans 0.25–4 with two points per doubling (9 speeds, speed 1 in the middle)', () => {
    const grid = new MealSpeedGrid(p, 1, defaultMealSpeedGrid);
    expect(grid.channels).toBe(9);
    expect(Math.exp(grid.logSpeeds[0]!)).toBeCloseTo(0.25, 12);
    expect(Math.exp(grid.logSpeeds[8]!)).toBeCloseTo(4, 12);
    expect(grid.logSpeeds[grid.unitIndex]).toBe(0);
  });

  // Oracle: mass balance of the gut model (Dalla Man 2007, eqs. 10–13): every gram eaten appears in
  // plasma eventually, ∫Ra dt = f·1000·grams/BW mg/kg, whatever the speed. The integral uses the RK4
  // stage weights (1, 2, 2, 1)/6 per minute, i.e. the quadrature the integrator itself applies.
  it('conserves the meal at every speed: ∫Ra = f·1000·carbs/BW within 0.5 %', () => {
    const grid = new MealSpeedGrid(p, 1, { minSpeed: 0.5, maxSpeed: 4, pointsPerDoubling: 1 });
    const sig = runGrid(grid, 40);
    const expected = (p.fFraction * 1000 * 40) / p.bodyWeightKg;
    for (let c = 0; c < grid.channels; c++) {
      let total = 0;
      const ra = sig.raMgPerKgMin.subarray(c * sig.stride, (c + 1) * sig.stride);
      for (let t = 0; t < minutes; t++) total += (ra[4 * t]! + 2 * ra[4 * t + 1]! + 2 * ra[4 * t + 2]! + ra[4 * t + 3]!) / 6;
      expect(Math.abs(total / expected - 1)).toBeLessThan(0.005);
    }
  });

  // Time dilation: the gut equations are autonomous in the masses, so with rates ×r a small meal
  // (eaten within one minute) peaks r times earlier. Tolerance 10 % (the eating minute is not dilated).
  it('dilates time: the Ra peak of a 5 g snack comes twice as early at speed 2', () => {
    const grid = new MealSpeedGrid(p, 1, { minSpeed: 1, maxSpeed: 2, pointsPerDoubling: 1 });
    const sig = runGrid(grid, 5);
    const peakAt = (c: number): number => {
      let best = 0;
      for (let t = 1; t < minutes; t++)
        if (sig.raMgPerKgMin[c * sig.stride + 4 * t]! > sig.raMgPerKgMin[c * sig.stride + 4 * best]!) best = t;
      return best - 10;
    };
    expect(peakAt(1) / peakAt(0)).toBeGreaterThan(0.45);
    expect(peakAt(1) / peakAt(0)).toBeLessThan(0.55);
  });

  it('is exact at grid speeds: ln r = ln 2 reproduces a twin built on the patient with rates ×2 (1e-9 mg/dL)', () => {
    const grid = new MealSpeedGrid(p, 1, defaultMealSpeedGrid);
    const fast = { ...p, kabsPerMin: 2 * p.kabsPerMin, kmaxPerMin: 2 * p.kmaxPerMin, kminPerMin: 2 * p.kminPerMin };
    const single = new MealSpeedGrid(fast, 1, { minSpeed: 1, maxSpeed: 1, pointsPerDoubling: 1 });
    const a = runGrid(grid, 60);
    const b = runGrid(single, 60);
    const start = (): Float64Array => {
      const g = new Float64Array(GLUCOSE_MEMBER_SIZE);
      g[GP] = p.initialState[uvaState.gpMgPerKg]!;
      g[GT] = p.initialState[uvaState.gtMgPerKg]!;
      g[GS] = p.initialState[uvaState.gsMgPerKg]!;
      g[DIST] = 0;
      return g;
    };
    const ga = start();
    const gb = start();
    new TwinGlucoseDynamics(p, 45, grid).advance(ga, 0, 1, 1, 0, Math.LN2, a, 0, 600);
    new TwinGlucoseDynamics(p, 45, single).advance(gb, 0, 1, 1, 0, 0, b, 0, 600);
    expect(Math.abs(ga[GP]! - gb[GP]!) / p.vgDlPerKg).toBeLessThan(1e-9);
  });

  it('rejects a grid that does not contain speed 1', () => {
    expect(() => new MealSpeedGrid(p, 1, { minSpeed: 1.5, maxSpeed: 4, pointsPerDoubling: 2 })).toThrow(RangeError);
  });
});
