import type { FixedStepMethod, FixedStepSolverSettings } from '../../ode/ode-system.ts';
import type { SimProblem } from '../../sim-input-error.ts';
import { type UvaPadovaParams, type UvaPadovaScalarKey, uvaScalarKeys } from './params.ts';
import { UVA_ODE_SIZE, uvaState } from './state.ts';

type Rule = 'positive' | 'nonNegative' | 'openUnit' | 'closedUnit';

// Physical admissibility of each scalar. Strict positivity where the model divides by the value
// (BW, Vg, Vi, Km0, 1 − b, d) or where a zero rate would leave a compartment without an exit.
const rules: Readonly<Record<UvaPadovaScalarKey, Rule>> = {
  bodyWeightKg: 'positive',
  basalGlucoseMgDl: 'positive',
  basalInsulinPmolL: 'nonNegative',
  u2ssPmolPerKgMin: 'nonNegative',
  vgDlPerKg: 'positive',
  viLPerKg: 'positive',
  kabsPerMin: 'positive',
  kmaxPerMin: 'positive',
  kminPerMin: 'nonNegative',
  bFraction: 'openUnit',
  dFraction: 'openUnit',
  fFraction: 'closedUnit',
  kp1MgPerKgMin: 'nonNegative',
  kp2PerMin: 'nonNegative',
  kp3MgPerKgMinPerPmolL: 'nonNegative',
  fsncMgPerKgMin: 'nonNegative',
  ke1PerMin: 'nonNegative',
  ke2MgPerKg: 'nonNegative',
  k1PerMin: 'nonNegative',
  k2PerMin: 'nonNegative',
  vm0MgPerKgMin: 'nonNegative',
  vmxMgPerKgMinPerPmolL: 'nonNegative',
  km0MgPerKg: 'positive',
  p2uPerMin: 'nonNegative',
  kiPerMin: 'nonNegative',
  m1PerMin: 'nonNegative',
  m2PerMin: 'nonNegative',
  m4PerMin: 'nonNegative',
  m30PerMin: 'nonNegative',
  ka1PerMin: 'nonNegative',
  ka2PerMin: 'nonNegative',
  kdPerMin: 'nonNegative',
  kscPerMin: 'positive',
};

const ruleText: Readonly<Record<Rule, string>> = {
  positive: 'must be > 0',
  nonNegative: 'must be >= 0',
  openUnit: 'must be in (0, 1)',
  closedUnit: 'must be in [0, 1]',
};

// Stability limit of the explicit methods on the negative real axis, |h·λ| (HNW I, Fig. IV.2.1–2.2).
const stabilityLimit: Readonly<Record<FixedStepMethod, number>> = { rk4: 2.78, dopri5: 3.3 };

function satisfies(rule: Rule, v: number): boolean {
  switch (rule) {
    case 'positive':
      return v > 0;
    case 'nonNegative':
      return v >= 0;
    case 'openUnit':
      return v > 0 && v < 1;
    case 'closedUnit':
      return v >= 0 && v <= 1;
    default: {
      const unreachable: never = rule;
      return unreachable;
    }
  }
}

/** The fastest first-order exit rate of any compartment [1/min]: bounds the explicit step size. */
export function uvaFastestRatePerMin(p: UvaPadovaParams): number {
  return Math.max(
    p.kmaxPerMin,
    p.kabsPerMin,
    p.k1PerMin + p.kp2PerMin + p.ke1PerMin,
    p.k2PerMin + p.vm0MgPerKgMin / p.km0MgPerKg,
    p.m2PerMin + p.m4PerMin,
    p.m1PerMin + p.m30PerMin,
    p.ka1PerMin + p.kdPerMin,
    p.ka2PerMin,
    p.p2uPerMin,
    p.kiPerMin,
    p.kscPerMin,
  );
}

/**
 * Checks a parameter set (e.g. a custom or calibrated patient) before it reaches the model. Returns
 * every problem with the field name as path; empty when valid. With `solver`, also checks that the
 * fixed step is inside the explicit method's stability region for the fastest compartment.
 */
export function validateUvaPadovaParams(p: UvaPadovaParams, solver?: FixedStepSolverSettings): SimProblem[] {
  const problems: SimProblem[] = [];
  if (typeof p.name !== 'string' || p.name.trim() === '') problems.push({ path: 'name', message: 'must be a non-empty string' });
  for (const key of uvaScalarKeys) {
    const v = p[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) problems.push({ path: key, message: 'must be a finite number' });
    else if (!satisfies(rules[key], v)) problems.push({ path: key, message: ruleText[rules[key]] });
  }
  if (p.kminPerMin > p.kmaxPerMin) problems.push({ path: 'kminPerMin', message: 'must be <= kmaxPerMin' });
  if (!Array.isArray(p.initialState) || p.initialState.length !== UVA_ODE_SIZE) {
    problems.push({ path: 'initialState', message: `must be an array of ${UVA_ODE_SIZE} numbers` });
  } else {
    p.initialState.forEach((v, i) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) problems.push({ path: `initialState[${i}]`, message: 'must be a finite number' });
      // X (insulin action relative to basal) may be negative; every other state is a mass or a
      // concentration.
      else if (i !== uvaState.xPmolPerL && v < 0) problems.push({ path: `initialState[${i}]`, message: 'must be >= 0' });
    });
  }
  if (solver && problems.length === 0) {
    const h = 1 / solver.stepsPerMinute;
    const rate = uvaFastestRatePerMin(p);
    const limit = stabilityLimit[solver.method];
    if (h * rate > limit) {
      problems.push({
        path: '',
        message: `fastest rate ${rate.toPrecision(3)}/min is unstable for ${solver.method} at ${solver.stepsPerMinute} step(s)/min (needs h·rate <= ${limit}); raise stepsPerMinute`,
      });
    }
  }
  return problems;
}
