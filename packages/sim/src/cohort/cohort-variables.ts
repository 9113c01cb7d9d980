import type { UvaPadovaParams } from '../models/uva-padova/params.ts';
import type { UvaPadovaTherapy } from '../models/uva-padova/quest-csv.ts';
import { type BasalFreeParams, basalEgp } from './basal-steady-state.ts';

/**
 * The variables a virtual population is fitted on: the free UVA/Padova parameters (everything the
 * basal steady state does not determine, see basal-steady-state.ts), EGPb, and the Quest.csv therapy
 * and age. Positive quantities are modelled on the log scale and fractions in (0, 1) on the logit
 * scale, so that a multivariate normal in the transformed space is a multivariate log-normal
 * (logit-normal for b, d, f) in physical units and every draw respects the sign and unit-interval
 * constraints by construction.
 */
export type CohortTransform = 'log' | 'logit';

export type FreeParamKey = Exclude<keyof BasalFreeParams, 'name'>;
export type TherapyKey = 'carbRatioGPerU' | 'correctionFactorMgDlPerU' | 'totalDailyInsulinU' | 'ageYears';

export interface CohortVariable {
  readonly key: FreeParamKey | TherapyKey;
  readonly transform: CohortTransform;
}

const logit = new Set<string>(['bFraction', 'dFraction', 'fFraction']);

const freeKeys: readonly FreeParamKey[] = [
  'bodyWeightKg',
  'basalGlucoseMgDl',
  'basalInsulinPmolL',
  'egpbMgPerKgMin',
  'vgDlPerKg',
  'viLPerKg',
  'kabsPerMin',
  'kmaxPerMin',
  'kminPerMin',
  'bFraction',
  'dFraction',
  'fFraction',
  'kp2PerMin',
  'kp3MgPerKgMinPerPmolL',
  'fsncMgPerKgMin',
  'ke1PerMin',
  'ke2MgPerKg',
  'k1PerMin',
  'k2PerMin',
  'vmxMgPerKgMinPerPmolL',
  'km0MgPerKg',
  'p2uPerMin',
  'kiPerMin',
  'm1PerMin',
  'm2PerMin',
  'm4PerMin',
  'm30PerMin',
  'ka1PerMin',
  'ka2PerMin',
  'kdPerMin',
  'kscPerMin',
];
const therapyKeys: readonly TherapyKey[] = ['carbRatioGPerU', 'correctionFactorMgDlPerU', 'totalDailyInsulinU', 'ageYears'];

export const cohortVariables: readonly CohortVariable[] = Object.freeze(
  [...freeKeys, ...therapyKeys].map((key) => ({ key, transform: logit.has(key) ? ('logit' as const) : ('log' as const) })),
);

export function forward(t: CohortTransform, v: number): number {
  switch (t) {
    case 'log':
      return Math.log(v);
    case 'logit':
      return Math.log(v / (1 - v));
    default: {
      const unreachable: never = t;
      throw new Error(`unknown transform ${String(unreachable)}`);
    }
  }
}

export function inverse(t: CohortTransform, y: number): number {
  switch (t) {
    case 'log':
      return Math.exp(y);
    case 'logit':
      return 1 / (1 + Math.exp(-y));
    default: {
      const unreachable: never = t;
      throw new Error(`unknown transform ${String(unreachable)}`);
    }
  }
}

/** One source patient: model parameters and its Quest.csv row. */
export interface SourcePatient {
  readonly params: UvaPadovaParams;
  readonly therapy: UvaPadovaTherapy;
}

/** Physical values of every cohort variable for a source patient (EGPb recomputed from kp1). */
export function cohortValues(p: SourcePatient): Float64Array {
  const out = new Float64Array(cohortVariables.length);
  cohortVariables.forEach((v, i) => {
    let x: number;
    if (v.key === 'egpbMgPerKgMin') x = basalEgp(p.params);
    else if ((therapyKeys as readonly string[]).includes(v.key)) x = p.therapy[v.key as TherapyKey];
    else x = p.params[v.key as Exclude<FreeParamKey, 'egpbMgPerKgMin'>];
    out[i] = x;
  });
  return out;
}

/** Builds the free parameters and therapy of a new patient from physical values in `cohortVariables` order. */
export function fromCohortValues(name: string, values: ArrayLike<number>): { free: BasalFreeParams; therapy: UvaPadovaTherapy } {
  const free: Record<string, number | string> = { name };
  const therapy: Record<string, number | string> = { name };
  cohortVariables.forEach((v, i) => {
    if ((therapyKeys as readonly string[]).includes(v.key)) therapy[v.key] = values[i]!;
    else free[v.key] = values[i]!;
  });
  return { free: free as unknown as BasalFreeParams, therapy: therapy as unknown as UvaPadovaTherapy };
}
