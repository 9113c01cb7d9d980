import type { UvaPadovaParams } from '../models/uva-padova/params.ts';
import { UVA_STATE_SIZE, uvaState } from '../models/uva-padova/state.ts';
import { UvaPadovaModel } from '../models/uva-padova/uva-padova-model.ts';
import { ExogenousSignals } from './insulin-meal-driver.ts';
import { defaultMealSpeedGrid, MealSpeedGrid } from './meal-speed-grid.ts';
import { DIST, GLUCOSE_MEMBER_SIZE, GP, GS, GT, TwinGlucoseDynamics } from './twin-glucose-dynamics.ts';

/**
 * Clinically readable summaries of a patient model, comparable between a true virtual patient and a
 * twin whatever their internal parameters: the effective insulin sensitivity (peak plasma-glucose drop
 * after 1 U given from rest, mg/dL per U — the model's analogue of the correction factor) and the
 * effective carb sensitivity (peak rise after 10 g eaten from rest, per gram — the analogue of
 * ISF/CR), both within `windowMin` (default 6 h). Small doses keep the response near-linear.
 */
export interface EffectiveResponse {
  readonly insulinSensitivityMgDlPerU: number;
  readonly carbSensitivityMgDlPerG: number;
}

const bolusU = 1;
const carbsG = 10;

/** Effective response of a virtual patient (the full model with its own parameters). */
export function patientEffectiveResponse(params: UvaPadovaParams, windowMin = 360): EffectiveResponse {
  const model = new UvaPadovaModel(params);
  const basal = model.basalUPerMin;
  const state = new Float64Array(UVA_STATE_SIZE);
  const peak = (bolus: number, carbs: number, sign: number): number => {
    model.writeInitialState(state);
    const g0 = model.bgMgDl(state);
    let best = 0;
    for (let t = 0; t < windowMin; t++) {
      model.step(state, t === 0 ? carbs : 0, basal + (t === 0 ? bolus : 0));
      best = Math.max(best, sign * (model.bgMgDl(state) - g0));
    }
    return best;
  };
  return { insulinSensitivityMgDlPerU: peak(bolusU, 0, -1) / bolusU, carbSensitivityMgDlPerG: peak(0, carbsG, 1) / carbsG };
}

/**
 * Effective response of a twin: the nominal patient's equations with sensitivity scale `s`, carb
 * scale `c` and meal speed `mealSpeed`, a bolus in the person's units multiplied by `insulinScale`
 * (see GlucoseTwinSettings), from the nominal basal equilibrium.
 */
export function twinEffectiveResponse(
  nominal: UvaPadovaParams,
  insulinScale: number,
  s: number,
  c: number,
  mealSpeed = 1,
  windowMin = 360,
  stepsPerMinute = 1,
): EffectiveResponse {
  const grid = new MealSpeedGrid(nominal, stepsPerMinute, defaultMealSpeedGrid);
  const dyn = new TwinGlucoseDynamics(nominal, 60, grid);
  const sig = new ExogenousSignals(windowMin, stepsPerMinute, grid.channels);
  const basal = grid.unit.model.basalUPerMin;
  const carbsIn = new Float64Array(windowMin);
  const insulinIn = new Float64Array(windowMin).fill(basal);
  const buf = new Float64Array(GLUCOSE_MEMBER_SIZE);
  const logSpeed = Math.log(mealSpeed);
  const peak = (bolus: number, carbs: number, sign: number): number => {
    grid.reset();
    carbsIn[0] = carbs;
    insulinIn[0] = basal + bolus * insulinScale;
    grid.run(carbsIn, insulinIn, 0, windowMin, sig);
    buf[GP] = nominal.initialState[uvaState.gpMgPerKg]!;
    buf[GT] = nominal.initialState[uvaState.gtMgPerKg]!;
    buf[GS] = nominal.initialState[uvaState.gsMgPerKg]!;
    buf[DIST] = 0;
    const g0 = buf[GP]! / nominal.vgDlPerKg;
    let best = 0;
    for (let t = 0; t < windowMin; t++) {
      dyn.advance(buf, 0, s, c, 0, logSpeed, sig, t, 1);
      best = Math.max(best, sign * (buf[GP]! / nominal.vgDlPerKg - g0));
    }
    return best;
  };
  return { insulinSensitivityMgDlPerU: peak(bolusU, 0, -1) / bolusU, carbSensitivityMgDlPerG: peak(0, carbsG, 1) / carbsG };
}
