import type { UvaPadovaParams } from '../models/uva-padova/params.ts';
import { validateUvaPadovaParams } from '../models/uva-padova/params-validation.ts';
import type { UvaPadovaTherapy } from '../models/uva-padova/quest-csv.ts';
import { UVA_STATE_SIZE } from '../models/uva-padova/state.ts';
import { defaultUvaSolver, type UvaPadovaModel } from '../models/uva-padova/uva-padova-model.ts';
import type { FixedStepSolverSettings } from '../ode/ode-system.ts';
import type { BasalSteadyState } from './basal-steady-state.ts';

/**
 * Physiological plausibility of a sampled virtual patient (reject and resample when any check fails):
 *
 * 1. the basal steady state exists: Gtb > 0 and insulin-dependent uptake Uidb > 0, Vm0, kp1, u2ss > 0;
 * 2. the parameter set is admissible for the model (params-validation.ts, including RK4 stability at
 *    the solver the patients will be simulated with, the model default unless given) and kmin ≤ kmax;
 * 3. absolute bounds on the clinical quantities (`plausibilityBounds`: weight, basal glucose, therapy);
 * 4. a standard day — meals of 50/70/80 g at 07:00/12:00/19:00 eaten at 5 g/min, steady basal and a
 *    carbs/CR bolus with each meal (the protocol of the reference trajectory, glucose-model.md §9) —
 *    keeps plasma glucose within [`minBgMgDl`, `maxBgMgDl`] (simglucose ends an episode outside
 *    10–600 mg/dL), i.e. the patient is neither unstable nor absurdly (in)sensitive.
 *
 * The bounds are wide enough that all 30 simglucose patients pass (tested): the checks remove
 * numerically or physiologically impossible draws, not patients that are merely hard to control.
 */
export const plausibilityBounds = {
  bodyWeightKg: [10, 200],
  basalGlucoseMgDl: [70, 250],
  carbRatioGPerU: [1, 60],
  correctionFactorMgDlPerU: [3, 300],
  totalDailyInsulinU: [3, 250],
  ageYears: [2, 100],
  minBgMgDl: 10,
  maxBgMgDl: 600,
} as const;

export function staticPlausibilityProblems(
  ss: BasalSteadyState,
  therapy: UvaPadovaTherapy,
  solver: FixedStepSolverSettings = defaultUvaSolver,
): string[] {
  const problems: string[] = [];
  const p = ss.params;
  if (!(ss.gtbMgPerKg > 0)) problems.push('no basal steady state: Gtb <= 0');
  if (!(ss.uidbMgPerKgMin > 0)) problems.push('no basal steady state: EGPb <= Fsnc + renal excretion');
  if (!(p.vm0MgPerKgMin > 0)) problems.push('Vm0 <= 0');
  if (!(p.kp1MgPerKgMin > 0)) problems.push('kp1 <= 0');
  if (!(p.u2ssPmolPerKgMin > 0)) problems.push('u2ss <= 0');
  for (const pr of validateUvaPadovaParams(p, solver)) problems.push(`${pr.path || 'params'}: ${pr.message}`);
  const b = plausibilityBounds;
  const within = (label: string, v: number, [lo, hi]: readonly [number, number]): void => {
    if (!(v >= lo && v <= hi)) problems.push(`${label} ${v.toPrecision(4)} outside [${lo}, ${hi}]`);
  };
  within('body weight', p.bodyWeightKg, b.bodyWeightKg);
  within('basal glucose', p.basalGlucoseMgDl, b.basalGlucoseMgDl);
  within('CR', therapy.carbRatioGPerU, b.carbRatioGPerU);
  within('CF', therapy.correctionFactorMgDlPerU, b.correctionFactorMgDlPerU);
  within('TDI', therapy.totalDailyInsulinU, b.totalDailyInsulinU);
  within('age', therapy.ageYears, b.ageYears);
  return problems;
}

const standardMeals: ReadonlyArray<readonly [number, number]> = [
  [420, 50],
  [720, 70],
  [1140, 80],
];

/**
 * Runs the standard day on `model` (re-targeted with `setParams`) and returns the problem, if any.
 * `state` is a scratch buffer of length UVA_STATE_SIZE.
 */
export function dynamicPlausibilityProblem(
  model: UvaPadovaModel,
  params: UvaPadovaParams,
  therapy: UvaPadovaTherapy,
  state: Float64Array,
): string | null {
  if (state.length < UVA_STATE_SIZE) throw new RangeError('state buffer too small');
  model.setParams(params);
  model.writeInitialState(state);
  const basal = model.basalUPerMin;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  let meal = 0;
  for (let t = 0; t < 1440; t++) {
    let carbs = 0;
    if (meal < standardMeals.length && standardMeals[meal]![0] === t) {
      carbs = standardMeals[meal]![1];
      meal += 1;
    }
    model.step(state, carbs, basal + carbs / therapy.carbRatioGPerU);
    const bg = model.bgMgDl(state);
    if (!Number.isFinite(bg)) return 'glucose not finite on the standard day';
    if (bg < lo) lo = bg;
    if (bg > hi) hi = bg;
  }
  if (lo < plausibilityBounds.minBgMgDl) return `standard day: glucose falls to ${lo.toFixed(0)} mg/dL`;
  if (hi > plausibilityBounds.maxBgMgDl) return `standard day: glucose rises to ${hi.toFixed(0)} mg/dL`;
  return null;
}
