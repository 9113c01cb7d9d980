import { describe, expect, it } from 'vitest';
import { UVA_STATE_SIZE, uvaState } from '../models/uva-padova/state.ts';
import { testPatients } from '../models/uva-padova/test-patients.ts';
import { UvaPadovaModel } from '../models/uva-padova/uva-padova-model.ts';
import { ExogenousSignals, InsulinMealDriver } from './insulin-meal-driver.ts';
import { MealSpeedGrid } from './meal-speed-grid.ts';
import { DIST, GLUCOSE_MEMBER_SIZE, GP, GS, GT, TwinGlucoseDynamics } from './twin-glucose-dynamics.ts';

/** A day with three meals, boluses, a suspended basal hour and a temp basal. */
function dayInputs(basal: number): { carbs: Float64Array; insulin: Float64Array } {
  const carbs = new Float64Array(1440);
  const insulin = new Float64Array(1440).fill(basal);
  carbs[420] = 50;
  carbs[720] = 70;
  carbs[1140] = 80;
  insulin[420] = basal + 5;
  insulin[740] = basal + 7;
  insulin[1140] = basal + 8;
  for (let t = 900; t < 960; t++) insulin[t] = 0;
  for (let t = 200; t < 260; t++) insulin[t] = 2 * basal;
  return { carbs, insulin };
}

// Oracle: UvaPadovaModel.step itself. The cascade (driver for insulin and gut, twin dynamics for
// glucose with s = c = r = 1, b = δ = 0) must perform the same RK4 arithmetic on the same equations.
describe('cascade of InsulinMealDriver and TwinGlucoseDynamics', () => {
  for (const stepsPerMinute of [1, 2]) {
    it(`reproduces UvaPadovaModel.step for all 30 patients over 24 h (RK4, ${stepsPerMinute} step/min; tolerance 1e-9 mg/dL)`, () => {
      let worst = 0;
      for (const p of testPatients) {
        const model = new UvaPadovaModel(p, { solver: { method: 'rk4', stepsPerMinute } });
        const state = model.writeInitialState(new Float64Array(UVA_STATE_SIZE));
        const { carbs, insulin } = dayInputs(model.basalUPerMin);
        const grid = new MealSpeedGrid(p, stepsPerMinute, { minSpeed: 1, maxSpeed: 1, pointsPerDoubling: 1 });
        const sig = new ExogenousSignals(1440, stepsPerMinute, grid.channels);
        grid.run(carbs, insulin, 0, 1440, sig);
        const dyn = new TwinGlucoseDynamics(p, 45, grid);
        const g = new Float64Array(GLUCOSE_MEMBER_SIZE);
        g[GP] = p.initialState[uvaState.gpMgPerKg]!;
        g[GT] = p.initialState[uvaState.gtMgPerKg]!;
        g[GS] = p.initialState[uvaState.gsMgPerKg]!;
        g[DIST] = 0;
        for (let t = 0; t < 1440; t++) {
          model.step(state, carbs[t]!, insulin[t]!);
          dyn.advance(g, 0, 1, 1, 0, 0, sig, t, 1);
          worst = Math.max(
            worst,
            Math.abs(g[GP]! / p.vgDlPerKg - model.bgMgDl(state)),
            Math.abs(g[GS]! / p.vgDlPerKg - model.gsubMgDl(state)),
          );
        }
      }
      expect(worst).toBeLessThan(1e-9);
    });
  }

  it('keeps the insulin and gut states identical to the model, including meal memory', () => {
    const p = testPatients.find((x) => x.name === 'adult#006')!;
    const model = new UvaPadovaModel(p, { solver: { method: 'rk4', stepsPerMinute: 1 } });
    const state = model.writeInitialState(new Float64Array(UVA_STATE_SIZE));
    const driver = new InsulinMealDriver(p, 1);
    const sig = new ExogenousSignals(1, 1);
    const { carbs, insulin } = dayInputs(model.basalUPerMin);
    const glucoseSlots = new Set<number>([uvaState.gpMgPerKg, uvaState.gtMgPerKg, uvaState.gsMgPerKg]);
    let worst = 0;
    for (let t = 0; t < 1440; t++) {
      model.step(state, carbs[t]!, insulin[t]!);
      driver.run(carbs, insulin, t, 1, sig);
      for (let i = 0; i < UVA_STATE_SIZE; i++) if (!glucoseSlots.has(i)) worst = Math.max(worst, Math.abs(state[i]! - driver.state[i]!));
    }
    expect(worst).toBe(0);
  });

  it('rejects signal buffers that are too short or built for another step count', () => {
    const p = testPatients[0]!;
    const driver = new InsulinMealDriver(p, 1);
    const buf = new Float64Array(10);
    expect(() => driver.run(buf, buf, 0, 10, new ExogenousSignals(5, 1))).toThrow(/hold 5 min/);
    expect(() => driver.run(buf, buf, 0, 1, new ExogenousSignals(5, 2))).toThrow(/stepsPerMinute/);
  });
});
